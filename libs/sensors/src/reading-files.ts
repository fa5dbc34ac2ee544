import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DecodeError } from '@tributary/schemas';
import { type MachineReading, machineReadingCodec } from './machine-reading.ts';

/** A line of a readings file that cannot be read; carries the file and the 1-based line number. */
export class ReadingFileError extends Error {
  readonly code = 'READING_FILE_BAD_LINE';
  readonly retriable = false;
  readonly source: string;
  readonly line: number;

  constructor(source: string, line: number, reason: string, options?: ErrorOptions) {
    super(`${source}:${line}: ${reason}`, options);
    this.name = 'ReadingFileError';
    this.source = source;
    this.line = line;
  }
}

/** A reading read from a file, with its line and, when the file has one, the regime column/field. */
export interface FileReading {
  readonly reading: MachineReading;
  readonly line: number;
  readonly regime: number | undefined;
}

/** What to do with a bad line: stop the read (the default) or skip it. Like a deserialization handler. */
export type BadLineAction = 'fail' | 'continue';

export interface ReadOptions {
  /** Called for each bad line; its answer decides. Without it the first bad line throws. */
  readonly onBadLine?: (error: ReadingFileError) => BadLineAction;
  /** Name used in error messages when the input is a stream. */
  readonly sourceName?: string;
}

type Input = string | Readable;

async function* lines(input: Input): AsyncGenerator<[number, string]> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const text of reader) {
      number++;
      yield [number, text];
    }
  } finally {
    reader.close();
    if (typeof input === 'string') stream.destroy();
  }
}

function sourceName(input: Input, options: ReadOptions): string {
  return options.sourceName ?? (typeof input === 'string' ? input : 'stream');
}

function regimeOf(value: unknown, source: string, line: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const regime = typeof value === 'string' ? Number(value) : value;
  if (typeof regime !== 'number' || !Number.isInteger(regime) || regime < 0) {
    throw new ReadingFileError(
      source,
      line,
      `regime must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return regime;
}

function handle(error: unknown, source: string, line: number, options: ReadOptions): void {
  const bad =
    error instanceof ReadingFileError
      ? error
      : new ReadingFileError(source, line, error instanceof Error ? error.message : String(error), {
          cause: error,
        });
  if (options.onBadLine?.(bad) !== 'continue') throw bad;
}

/**
 * Reads JSON Lines, one {@link MachineReading} per line (an optional integer `regime` field is passed on).
 * Streams: memory does not grow with the file. Blank lines are skipped.
 */
export async function* readJsonlReadings(
  input: Input,
  options: ReadOptions = {},
): AsyncGenerator<FileReading> {
  const source = sourceName(input, options);
  for await (const [line, text] of lines(input)) {
    if (text.trim() === '') continue;
    try {
      const reading = machineReadingCodec.decode(Buffer.from(text, 'utf8'));
      const regime = regimeOf((reading as MachineReading & { regime?: unknown }).regime, source, line);
      yield {
        reading: { machine: reading.machine, timestamp: reading.timestamp, temperature: reading.temperature },
        line,
        regime,
      };
    } catch (error) {
      handle(
        error instanceof DecodeError
          ? new ReadingFileError(source, line, error.message, { cause: error })
          : error,
        source,
        line,
        options,
      );
    }
  }
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote inside quotes). */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('unterminated quoted field');
  fields.push(field);
  return fields;
}

const REQUIRED_COLUMNS = ['machine', 'timestamp', 'temperature'] as const;

function parseTimestamp(text: string): number {
  const trimmed = text.trim();
  const value = /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`timestamp must be epoch milliseconds or an ISO 8601 time, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Reads CSV with a header line naming at least `machine,timestamp,temperature` (any order; a `regime`
 * column is passed on, other columns are ignored). Timestamps are epoch ms or ISO 8601.
 */
export async function* readCsvReadings(input: Input, options: ReadOptions = {}): AsyncGenerator<FileReading> {
  const source = sourceName(input, options);
  let columns: Map<string, number> | undefined;
  for await (const [line, text] of lines(input)) {
    if (text.trim() === '') continue;
    if (columns === undefined) {
      const header = splitCsvLine(text).map((name) => name.trim().toLowerCase());
      const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
      if (missing.length > 0) {
        // Without a header nothing after it can be read: this one is never skippable.
        throw new ReadingFileError(source, line, `header lacks column(s) ${missing.join(', ')}`);
      }
      columns = new Map(header.map((name, index) => [name, index]));
      continue;
    }
    try {
      const fields = splitCsvLine(text);
      if (fields.length !== columns.size)
        throw new Error(`expected ${columns.size} fields, got ${fields.length}`);
      const field = (name: string): string => fields[columns?.get(name) ?? -1] ?? '';
      const machine = field('machine').trim();
      if (machine === '') throw new Error('machine is empty');
      const temperatureText = field('temperature').trim();
      const temperature = Number(temperatureText);
      if (temperatureText === '' || !Number.isFinite(temperature)) {
        throw new Error(`temperature must be a number, got ${JSON.stringify(field('temperature'))}`);
      }
      const regime = columns.has('regime') ? regimeOf(field('regime').trim(), source, line) : undefined;
      yield {
        reading: { machine, timestamp: parseTimestamp(field('timestamp')), temperature },
        line,
        regime,
      };
    } catch (error) {
      handle(error, source, line, options);
    }
  }
}

export type ReadingFileFormat = 'jsonl' | 'csv';

/** The format named by a file's extension: `.csv` is CSV, anything else JSON Lines. */
export function formatOfPath(path: string): ReadingFileFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

export function readReadingFile(path: string, options: ReadOptions = {}): AsyncGenerator<FileReading> {
  return formatOfPath(path) === 'csv' ? readCsvReadings(path, options) : readJsonlReadings(path, options);
}

/** One JSON Lines line (with a trailing newline); `regime` is written only when given. */
export function toJsonlLine(reading: MachineReading, regime?: number): string {
  return `${JSON.stringify(regime === undefined ? reading : { ...reading, regime })}\n`;
}

export function csvHeader(withRegime: boolean): string {
  return withRegime ? 'machine,timestamp,temperature,regime\n' : 'machine,timestamp,temperature\n';
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsvLine(reading: MachineReading, regime?: number): string {
  const fields = [csvField(reading.machine), String(reading.timestamp), String(reading.temperature)];
  if (regime !== undefined) fields.push(String(regime));
  return `${fields.join(',')}\n`;
}
