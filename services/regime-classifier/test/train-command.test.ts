import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { csvHeader, generateReadings, toCsvLine } from '@tributary/sensors';

const run = promisify(execFile);
const trainScript = resolve(dirname(fileURLToPath(import.meta.url)), '../src/train.ts');

async function train(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', trainScript, ...args], { cwd: dirname(trainScript) });
}

describe('train command', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'train-command-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains from a CSV file with regimes and writes the model version and every report', async () => {
    const file = join(dir, 'readings.csv');
    const labelled = [...generateReadings({ seed: 3, machines: 4, count: 2_000 })];
    await writeFile(
      file,
      csvHeader(true) + labelled.map(({ reading, regime }) => toCsvLine(reading, regime)).join(''),
    );
    const out = join(dir, 'models');
    const report = join(dir, 'report');
    const { stdout, stderr } = await train([
      '--source',
      'file',
      '--file',
      file,
      '--features',
      'rolling',
      '--k',
      'auto',
      '--k-max',
      '8',
      '--epochs',
      '3',
      '--out',
      out,
      '--report',
      report,
    ]);
    const summary = JSON.parse(stdout) as {
      version: string;
      k: number;
      elbowK: number;
      regimeAccuracy?: unknown;
    };
    assert.equal(summary.version, '000001');
    assert.equal(summary.k, summary.elbowK);
    assert.ok(summary.regimeAccuracy !== undefined);
    assert.match(stderr, /"msg":"epoch","epoch":3,"epochs":3/);
    const metadata = JSON.parse(await readFile(join(out, '000001', 'metadata.json'), 'utf8')) as {
      featureNames: string[];
      k: number;
    };
    assert.deepEqual(metadata.featureNames, ['temperature', 'rolling_mean_10', 'rolling_std_10']);
    await readFile(join(out, '000001', 'weights.bin'));
    const elbow = JSON.parse(await readFile(join(report, 'elbow.json'), 'utf8')) as { points: unknown[] };
    assert.equal(elbow.points.length, 7);
    assert.match(await readFile(join(report, 'elbow.svg'), 'utf8'), /chosen K = \d+/);
    assert.match(await readFile(join(report, 'accuracy.svg'), 'utf8'), /confusion matrix/);
    await readFile(join(report, 'accuracy.json'));
  });

  it('exits 2 naming a bad option value', async () => {
    await assert.rejects(train(['--features', 'fancy']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /--features must be one of raw\|rolling/);
      return true;
    });
  });
});
