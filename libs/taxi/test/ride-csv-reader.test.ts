import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  KAGGLE_HEADER,
  RideCsvError,
  type RideCsvRow,
  readRideCsv,
  SAMPLE_CSV_PATH,
  writeRideCsv,
} from '../src/index.ts';

async function collect(rows: AsyncIterable<RideCsvRow>): Promise<RideCsvRow[]> {
  const all: RideCsvRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('readRideCsv', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taxi-csv-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each row its line, text and end offset; bad rows are outcomes, not errors', async () => {
    const path = join(dir, 'small.csv');
    const good =
      '2009-06-15 17:26:21.0000001,4.5,2009-06-15 17:26:21 UTC,-73.844311,40.721319,-73.84161,40.712278,1';
    const text = `${KAGGLE_HEADER}\n${good}\n\n"quoted,row\n${good.replace('4.5', 'x')}\nshort,1`;
    await writeFile(path, text);
    const rows = await collect(readRideCsv(path));
    assert.deepEqual(
      rows.map((r) => [r.line, r.text, r.result.ok ? 'ok' : r.result.rejection]),
      [
        [2, good, 'ok'],
        [4, '"quoted,row', 'column-count'],
        [5, good.replace('4.5', 'x'), 'bad-fare'],
        [6, 'short,1', 'column-count'],
      ],
    );
    assert.equal(rows.at(-1)?.endOffset, Buffer.byteLength(text));
    assert.equal(rows[0]?.endOffset, Buffer.byteLength(`${KAGGLE_HEADER}\n${good}\n`));
  });

  it('resumed at any row end reads exactly the rows after it', async () => {
    const path = join(dir, 'generated.csv');
    await writeRideCsv(path, { rows: 3000, seed: 9, dirtyFraction: 0.05 });
    const all = await collect(readRideCsv(path));
    assert.equal(all.length, 3000);
    for (const cut of [0, 1, 1234, 2998]) {
      const from = all[cut] as RideCsvRow;
      const rest = await collect(readRideCsv(path, { offset: from.endOffset, line: from.line }));
      assert.deepEqual(rest, all.slice(cut + 1));
    }
  });

  it('refuses a file that is not train.csv-like', async () => {
    const path = join(dir, 'other.csv');
    await writeFile(path, 'a,b,c\n1,2,3\n');
    await assert.rejects(collect(readRideCsv(path)), RideCsvError);
  });

  it('reads the bundled sample: 5,000 rows, a few dozen of them dead letters', async () => {
    const rows = await collect(readRideCsv(SAMPLE_CSV_PATH));
    assert.equal(rows.length, 5000);
    const bad = rows.filter((r) => !r.result.ok).length;
    assert.ok(bad > 5 && bad < 50, `${bad} bad rows`);
  });
});
