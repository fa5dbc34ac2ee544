import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEAD_LETTER_HEADERS } from '@tributary/kafka';
import { readRideCsv, writeRideCsv } from '@tributary/taxi';
import { readTopic, stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { TaxiRide } from '@tributary/topics';
import type { ReplayCheckpoint } from '../src/checkpoint.ts';
import type { ReplayReport } from '../src/replay.ts';

const SCRIPT = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const ROWS = 40_000;
const KILLS = 3;

function startReplayer(args: string[], brokers: string[]): { child: ChildProcess; stdout: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, TRIBUTARY_KAFKA_BROKERS: brokers.join(','), TRIBUTARY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout?.on('data', (data: Buffer) => {
    text += data.toString();
  });
  return { child, stdout: once(child, 'exit').then(() => text) };
}

async function checkpointLine(path: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as ReplayCheckpoint).line;
  } catch {
    return 0;
  }
}

describe('taxi-replayer', () => {
  let dir: string;
  const topics: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taxi-replayer-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    const admin = (await testKafka()).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: topics.flatMap((t) => [t, `${t}.dlq`]) }).catch(() => {});
    await admin.disconnect();
  });

  it(`killed -9 ${KILLS} times mid-file and resumed: every ride and bad row arrives, duplicates only from each kill's unacknowledged tail`, async () => {
    const brokers = await stackBrokers();
    const file = join(dir, 'rides.csv');
    const checkpoint = join(dir, 'checkpoint.json');
    const topic = uniqueName('taxi-rides');
    topics.push(topic);
    await writeRideCsv(file, { rows: ROWS, seed: 11, dirtyFraction: 0.01 });
    const args = ['--file', file, '--topic', topic, '--checkpoint', checkpoint];

    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await checkpointLine(checkpoint);
      const { child, stdout } = startReplayer([...args, '--rate', '8000'], brokers);
      await waitFor('the checkpoint to move', async () =>
        (await checkpointLine(checkpoint)) > before + 3000 ? true : undefined,
      );
      child.kill('SIGKILL');
      await stdout;
      killedAt.push(await checkpointLine(checkpoint));
    }
    const last = startReplayer([...args, '--rate', 'max'], brokers);
    const report = JSON.parse(await last.stdout) as ReplayReport;
    assert.equal(report.finished, true);
    assert.equal(report.resumedFromLine, killedAt.at(-1));

    // The reference: the file itself.
    const lineOfKey = new Map<string, number>();
    const rides = new Map<string, TaxiRide>();
    const badLines = new Map<number, string>();
    for await (const row of readRideCsv(file)) {
      if (row.result.ok) {
        lineOfKey.set(row.result.ride.key, row.line);
        rides.set(row.result.ride.key, row.result.ride);
      } else badLines.set(row.line, row.text);
    }
    const kafka = await testKafka(brokers);
    const produced = await readTopic(kafka, topic);
    const letters = await readTopic(kafka, `${topic}.dlq`);

    // Nothing missing, nothing altered.
    const counts = new Map<string, number>();
    for (const record of produced) {
      counts.set(record.key, (counts.get(record.key) ?? 0) + 1);
      assert.deepEqual(JSON.parse(record.value), rides.get(record.key), `record ${record.key}`);
    }
    assert.equal(counts.size, rides.size, 'every ride at least once');
    const letterLines = new Set(letters.map((letter) => Number(letter.headers[DEAD_LETTER_HEADERS.line])));
    assert.deepEqual(
      [...letterLines].sort((a, b) => a - b),
      [...badLines.keys()],
    );
    for (const letter of letters) {
      const line = Number(letter.headers[DEAD_LETTER_HEADERS.line]);
      assert.equal(letter.value, badLines.get(line));
      assert.equal(letter.headers[DEAD_LETTER_HEADERS.file], file);
      assert.ok((letter.headers[DEAD_LETTER_HEADERS.reason] ?? '').length > 0);
    }

    // Duplicates only after a kill's checkpoint, within what could have been in flight.
    const inFlightBound = 20_000;
    const inSomeTail = (line: number) => killedAt.some((at) => line > at && line <= at + inFlightBound);
    let duplicates = 0;
    for (const [key, count] of counts) {
      if (count === 1) continue;
      duplicates += count - 1;
      const line = lineOfKey.get(key) ?? 0;
      assert.ok(inSomeTail(line), `${key} (line ${line}) duplicated outside every kill's tail ${killedAt}`);
      assert.ok(count <= 1 + KILLS);
    }
    for (const line of letterLines) assert.ok(line > 0);
    const duplicateLetters = letters.length - letterLines.size;
    process.stdout.write(
      `# rows ${ROWS}, rides ${rides.size}, dead letters ${badLines.size}, kills at lines ${killedAt}, duplicate rides ${duplicates}, duplicate dead letters ${duplicateLetters}\n`,
    );
  });

  it('refuses a checkpoint of another file, naming --restart', async () => {
    const brokers = await stackBrokers();
    const checkpoint = join(dir, 'other-checkpoint.json');
    const fileA = join(dir, 'a.csv');
    const fileB = join(dir, 'b.csv');
    await writeRideCsv(fileA, { rows: 50, seed: 1 });
    await writeRideCsv(fileB, { rows: 60, seed: 2 });
    const topic = uniqueName('taxi-rides');
    topics.push(topic);
    const first = startReplayer(
      ['--file', fileA, '--topic', topic, '--checkpoint', checkpoint, '--rate', 'max'],
      brokers,
    );
    assert.equal((JSON.parse(await first.stdout) as ReplayReport).finished, true);
    const second = startReplayer(['--file', fileB, '--topic', topic, '--checkpoint', checkpoint], brokers);
    await second.stdout;
    assert.equal(second.child.exitCode, 78);
  });
});
