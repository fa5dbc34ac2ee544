import type { Tweet } from '@tributary/topics';

/** What a source yields: a tweet, or input that is none (never dropped: it goes to the DLQ). */
export type IngestItem =
  | { readonly kind: 'tweet'; readonly tweet: Tweet }
  | {
      readonly kind: 'bad-line';
      /** Where it came from: `<file>:<line>`, `stdin:<line>`, `stream#<connection>:<line>`. */
      readonly origin: string;
      readonly text: string;
      readonly reason: string;
    };
