import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { KAGGLE_HEADER } from './kaggle-format.ts';
import { parseRideRow, type RowResult } from './ride-row.ts';

/** The file is not a train.csv-like file at all (as opposed to a bad row, which is an outcome). */
export class RideCsvError extends Error {
  readonly code = 'RIDE_CSV_UNREADABLE';
  readonly retriable = false;
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${path}: ${message}`, options);
    this.name = 'RideCsvError';
    this.path = path;
  }
}

/** One data row of the file: where it is, what it said, and what it parsed to. */
export interface RideCsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  /** The row as written, without its line ending: what a dead letter carries. */
  readonly text: string;
  /** Byte offset just past this row's line ending: where a resumed read starts. */
  readonly endOffset: number;
  readonly result: RowResult;
}

export interface RideCsvPosition {
  /** Byte offset of the first row to read; 0 or a previous row's `endOffset`. */
  readonly offset: number;
  /** Lines before `offset` (the previous row's `line`); ignored when offset is 0. */
  readonly line: number;
}

const MAX_HEADER_BYTES = 64 * 1024;

async function firstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

function checkHeader(path: string, header: string): void {
  if (header.trim() !== KAGGLE_HEADER)
    throw new RideCsvError(
      path,
      `header is not the train.csv header '${KAGGLE_HEADER}': '${header.slice(0, 200)}'`,
    );
}

/**
 * Streams the rows of a train.csv-like file from `position` (default: the start), parsed with
 * csv-parse: the file is never whole in memory. Quoting is off because the format has none: a
 * stray quote then spoils one row (which goes to the DLQ) instead of swallowing the lines after it.
 */
export async function* readRideCsv(
  path: string,
  position: RideCsvPosition = { offset: 0, line: 0 },
): AsyncGenerator<RideCsvRow> {
  const resuming = position.offset > 0;
  if (resuming) checkHeader(path, await firstLine(path));
  const lineBase = resuming ? position.line : 0;
  const parser = createReadStream(path, { start: position.offset }).pipe(
    parse({
      bom: !resuming,
      quote: false,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  let headerSeen = resuming;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { bytes: number; lines: number };
  }>) {
    if (!headerSeen) {
      headerSeen = true;
      checkHeader(path, record.join(','));
      continue;
    }
    yield {
      line: lineBase + info.lines,
      // Without quoting the fields joined by commas are the line as written (csv-parse's `raw`
      // option would give the same text at the cost of another string per row).
      text: record.join(','),
      endOffset: position.offset + info.bytes,
      result: parseRideRow(record),
    };
  }
  if (!headerSeen) throw new RideCsvError(path, 'file is empty (no header)');
}
