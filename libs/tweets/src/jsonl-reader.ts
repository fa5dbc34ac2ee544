import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Tweet } from '@tributary/topics';
import { parseTweetLine, TweetFormatError } from './api-v2.ts';

/** A line read: a tweet, or a line that is none (kept whole, with why, for a dead-letter topic). */
export type TweetLine =
  | { readonly kind: 'tweet'; readonly tweet: Tweet; readonly line: number }
  | {
      readonly kind: 'bad-line';
      readonly line: number;
      readonly text: string;
      readonly reason: string;
      /** `<source>:<line>` */
      readonly origin: string;
    };

export interface TweetReadOptions {
  /** Names the input in `origin`; default: the path, or 'stdin' for a stream. */
  readonly sourceName?: string;
}

/**
 * Reads JSON Lines of tweets (the API's `{data: …}` lines or our Tweet shape) from a file path or a
 * stream such as stdin. Streams line by line: memory does not grow with the input. Blank lines (the
 * stream's keep-alives in a capture) are skipped; every other line yields a tweet or a bad line.
 */
export async function* readTweetJsonl(
  input: string | Readable,
  options: TweetReadOptions = {},
): AsyncGenerator<TweetLine> {
  const source = options.sourceName ?? (typeof input === 'string' ? input : 'stdin');
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of reader) {
      line++;
      if (text.trim() === '') continue;
      try {
        yield { kind: 'tweet', tweet: parseTweetLine(text), line };
      } catch (error) {
        if (!(error instanceof TweetFormatError)) throw error;
        yield { kind: 'bad-line', line, text, reason: error.message, origin: `${source}:${line}` };
      }
    }
  } finally {
    reader.close();
    if (typeof input === 'string') stream.destroy();
  }
}

/** One JSON Lines line (with its newline) of our Tweet shape. */
export function toTweetJsonlLine(tweet: Tweet): string {
  return `${JSON.stringify(tweet)}\n`;
}
