import type { IngestConfig } from '../config.ts';
import type { FilteredStreamClient } from '../stream/filtered-stream.ts';
import { generatorItems } from './generator-source.ts';
import type { IngestItem } from './ingest-item.ts';
import { jsonlItems } from './jsonl-source.ts';

export type { IngestItem } from './ingest-item.ts';

/** The items of the configured source; the api source needs its client (rules are synced before). */
export function sourceItems(
  config: IngestConfig,
  signal: AbortSignal,
  stream: FilteredStreamClient | undefined,
): AsyncIterable<IngestItem> {
  switch (config.source) {
    case 'generator':
      return generatorItems({ ...config.generator, count: config.count }, signal);
    case 'file':
      if (config.file === undefined) throw new TypeError('file source without TWITTER_INGEST_FILE');
      return jsonlItems(config.file, config.file);
    case 'stdin':
      return jsonlItems(process.stdin, 'stdin');
    case 'api':
      if (stream === undefined) throw new TypeError('api source without a stream client');
      return stream.items(signal);
  }
}
