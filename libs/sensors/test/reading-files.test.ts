import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  csvHeader,
  type FileReading,
  generateReadings,
  ReadingFileError,
  readCsvReadings,
  readJsonlReadings,
  readReadingFile,
  splitCsvLine,
  toCsvLine,
  toJsonlLine,
} from '../src/index.ts';

async function collect(source: AsyncIterable<FileReading>): Promise<FileReading[]> {
  const out: FileReading[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function rejection(source: AsyncIterable<FileReading>): Promise<ReadingFileError> {
  try {
    await collect(source);
  } catch (error) {
    assert.ok(error instanceof ReadingFileError, String(error));
    return error;
  }
  assert.fail('the read accepted a bad line');
}

const stream = (text: string): Readable => Readable.from([text]);

describe('reading files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensors-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips generated readings with their regimes through JSONL and CSV files', async () => {
    const labelled = [...generateReadings({ seed: 9, machines: 3, count: 300 })];
    const jsonl = join(dir, 'r.jsonl');
    const csv = join(dir, 'r.csv');
    await writeFile(jsonl, labelled.map(({ reading, regime }) => toJsonlLine(reading, regime)).join(''));
    await writeFile(
      csv,
      csvHeader(true) + labelled.map(({ reading, regime }) => toCsvLine(reading, regime)).join(''),
    );
    for (const file of [jsonl, csv]) {
      const read = await collect(readReadingFile(file));
      assert.deepEqual(
        read.map(({ reading, regime }) => ({ reading, regime })),
        labelled,
      );
      assert.deepEqual(
        read.slice(0, 2).map(({ line }) => line),
        file === csv ? [2, 3] : [1, 2],
      );
    }
  });

  it('rejects a JSONL line that breaks the schema, naming the line and the field', async () => {
    const text = [
      '{"machine":"m","timestamp":1,"temperature":50}',
      '',
      '{"machine":"m","timestamp":2}',
      '{"machine":"m","timestamp":3,"temperature":51}',
    ].join('\n');
    const error = await rejection(readJsonlReadings(stream(text), { sourceName: 'in.jsonl' }));
    assert.equal(error.line, 3);
    assert.match(error.message, /^in\.jsonl:3: .*\/temperature/);
  });

  it('rejects malformed JSON and a bad regime with their line numbers', async () => {
    assert.equal((await rejection(readJsonlReadings(stream('{"machine":\n')))).line, 1);
    const badRegime =
      '{"machine":"m","timestamp":1,"temperature":5}\n{"machine":"m","timestamp":1,"temperature":5,"regime":-1}';
    const error = await rejection(readJsonlReadings(stream(badRegime)));
    assert.equal(error.line, 2);
    assert.match(error.message, /regime must be a non-negative integer/);
  });

  it('skips bad lines when the handler says continue, and reports each', async () => {
    const text = 'machine,temperature,timestamp\nm,50,1\nm,hot,2\nm,51\nm,52,2024-01-01T00:00:01Z\n';
    const bad: number[] = [];
    const read = await collect(
      readCsvReadings(stream(text), {
        onBadLine: (error) => {
          bad.push(error.line);
          return 'continue';
        },
      }),
    );
    assert.deepEqual(bad, [3, 4]);
    assert.deepEqual(
      read.map(({ reading, line }) => [line, reading.temperature, reading.timestamp]),
      [
        [2, 50, 1],
        [5, 52, Date.UTC(2024, 0, 1, 0, 0, 1)],
      ],
    );
  });

  it('rejects a CSV bad line by default, with its number and reason', async () => {
    const error = await rejection(
      readCsvReadings(stream('machine,timestamp,temperature\nm,1,50\nm,1.5,50\n')),
    );
    assert.equal(error.line, 3);
    assert.match(error.message, /timestamp must be epoch milliseconds/);
  });

  it('rejects a CSV header without the required columns', async () => {
    const error = await rejection(
      readCsvReadings(stream('machine,time,temp\nm,1,2\n'), { onBadLine: () => 'continue' }),
    );
    assert.equal(error.line, 1);
    assert.match(error.message, /header lacks column\(s\) timestamp, temperature/);
  });

  it('splits quoted CSV fields', () => {
    assert.deepEqual(splitCsvLine('"a,b","say ""hi""",3'), ['a,b', 'say "hi"', '3']);
    assert.throws(() => splitCsvLine('"open'), /unterminated/);
  });
});
