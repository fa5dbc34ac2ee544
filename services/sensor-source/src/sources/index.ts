import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import {
  formatOfPath,
  generateArticleReadings,
  generateReadings,
  type MachineReading,
  type ReadingFileError,
  type ReadOptions,
  readCsvReadings,
  readJsonlReadings,
} from '@tributary/sensors';
import type { SourceOptions } from '../config.ts';

/** What a source yields: a reading, or a file line that is not one (never dropped: it is dead-lettered). */
export type SourceItem =
  | { readonly kind: 'reading'; readonly reading: MachineReading }
  | { readonly kind: 'bad-line'; readonly line: number; readonly text: string; readonly reason: string };

/** The readings of the chosen mode, in order, with event times as stored (live stamping is the runner's). */
export function sourceItems(options: SourceOptions): AsyncIterable<SourceItem> | Iterable<SourceItem> {
  const startTime = options.startTime ?? Date.now();
  switch (options.mode) {
    case 'generated':
      return mapIterable(
        generateReadings({
          seed: options.seed,
          machines: options.machines,
          startTime,
          intervalMs: options.intervalMs,
          ...(options.count === undefined ? {} : { count: options.count }),
        }),
        ({ reading }) => ({ kind: 'reading', reading }),
      );
    case 'article':
      return mapIterable(
        generateArticleReadings({
          seed: options.seed,
          machines: options.machines,
          startTime,
          intervalMs: options.intervalMs,
          count: options.count ?? Number.POSITIVE_INFINITY,
        }),
        (reading) => ({ kind: 'reading', reading }),
      );
    case 'file':
      if (options.file === undefined) throw new TypeError('file mode needs a file');
      return fileItems(options.file);
  }
}

function* mapIterable<T>(items: Iterable<T>, map: (item: T) => SourceItem): Generator<SourceItem> {
  for (const item of items) yield map(item);
}

/**
 * A readings file through @tributary/sensors' reader, with each bad line kept: the lines are split here
 * too (the same way, so the numbers agree) and remembered until the reader has passed them.
 */
export async function* fileItems(path: string): AsyncGenerator<SourceItem> {
  const texts = new Map<number, string>();
  async function* remembered(): AsyncGenerator<string> {
    const reader = createInterface({
      input: createReadStream(path, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let number = 0;
    for await (const text of reader) {
      texts.set(++number, text);
      yield `${text}\n`;
    }
  }
  const bad: SourceItem[] = [];
  const read = formatOfPath(path) === 'csv' ? readCsvReadings : readJsonlReadings;
  const readOptions: ReadOptions = {
    sourceName: path,
    onBadLine: (error: ReadingFileError) => {
      const reason = error.message.slice(`${path}:${error.line}: `.length);
      bad.push({ kind: 'bad-line', line: error.line, text: texts.get(error.line) ?? '', reason });
      return 'continue';
    },
  };
  const readings = read(Readable.from(remembered()), readOptions);
  let passed = 0;
  for await (const { reading, line } of readings) {
    yield* bad.splice(0);
    yield { kind: 'reading', reading };
    for (; passed < line; passed++) texts.delete(passed + 1);
  }
  yield* bad.splice(0);
}
