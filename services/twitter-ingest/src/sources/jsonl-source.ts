import type { Readable } from 'node:stream';
import { readTweetJsonl } from '@tributary/tweets';
import type { IngestItem } from './ingest-item.ts';

/** A JSONL file or stdin, line by line; a bad line is an item with its `<source>:<line>` origin. */
export async function* jsonlItems(input: string | Readable, sourceName: string): AsyncGenerator<IngestItem> {
  for await (const line of readTweetJsonl(input, { sourceName })) {
    if (line.kind === 'tweet') yield { kind: 'tweet', tweet: line.tweet };
    else yield { kind: 'bad-line', origin: line.origin, text: line.text, reason: line.reason };
  }
}
