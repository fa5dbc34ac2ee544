import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiV2StreamPayload, TweetFormatError, tweetFromApiV2 } from '@tributary/tweets';
import { IngestError } from '../errors.ts';
import type { IngestItem } from '../sources/ingest-item.ts';
import { LineSplitter } from './line-splitter.ts';
import {
  type BackoffSettings,
  type Failure,
  ReconnectBackoff,
  type ReconnectReason,
  X_BACKOFF,
} from './reconnect-backoff.ts';

/** The fields downstream needs; without them the API sends only id and text. */
export const TWEET_FIELDS = 'created_at,lang,author_id,entities,referenced_tweets';

/** One decision of the reconnect loop, reported as it is taken (tests assert the sequence). */
export interface ReconnectEvent {
  /** Connection attempts so far, this one included. */
  readonly attempt: number;
  readonly reason: ReconnectReason;
  readonly delayMs: number;
  readonly status?: number;
  readonly detail: string;
}

export interface FilteredStreamOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** No byte (not even a keep-alive "\r\n", sent every 20 s) for this long: the stream is stalled. */
  readonly stallTimeoutMs: number;
  readonly backoff?: BackoffSettings;
  readonly onReconnect?: (event: ReconnectEvent) => void;
  readonly onConnected?: (attempt: number) => void;
  /** Clock for the rate-limit reset header; a parameter so a test can pin it. */
  readonly now?: () => number;
}

type ConnectionEnd = {
  readonly failure: Failure;
  readonly reason: ReconnectReason;
  readonly status?: number;
  readonly detail: string;
};

/**
 * The X API v2 filtered stream as an endless sequence of tweets (and lines that are none), across
 * reconnects. What the API guarantees: nothing. A tweet that matched while we were disconnected is
 * gone unless the request asks for backfill (`backfill_minutes`, Academic/Enterprise access only), so
 * this client never asks the API to replay; a tweet the API does send twice (redundant connections)
 * is the runner's to drop (it keeps recent ids).
 */
export class FilteredStreamClient {
  readonly #options: FilteredStreamOptions;
  readonly #backoff: ReconnectBackoff;
  readonly #now: () => number;
  #attempt = 0;

  constructor(options: FilteredStreamOptions) {
    this.#options = options;
    this.#backoff = new ReconnectBackoff(options.backoff ?? X_BACKOFF);
    this.#now = options.now ?? Date.now;
  }

  get url(): string {
    const url = new URL('/2/tweets/search/stream', this.#options.baseUrl);
    url.searchParams.set('tweet.fields', TWEET_FIELDS);
    return url.toString();
  }

  async *items(signal: AbortSignal): AsyncGenerator<IngestItem> {
    while (!signal.aborted) {
      this.#attempt++;
      const attempt = this.#attempt;
      const end = yield* this.#connection(attempt, signal);
      if (signal.aborted) return;
      const delayMs = this.#backoff.next(end.failure, this.#now());
      this.#options.onReconnect?.({
        attempt,
        reason: end.reason,
        delayMs,
        ...(end.status === undefined ? {} : { status: end.status }),
        detail: end.detail,
      });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** One connection: yields its items, returns how it ended. */
  async *#connection(attempt: number, signal: AbortSignal): AsyncGenerator<IngestItem, ConnectionEnd> {
    const connection = new AbortController();
    const stop = () => connection.abort(new Error('stopped'));
    signal.addEventListener('abort', stop, { once: true });
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const armStallTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        connection.abort(new Error('stalled'));
      }, this.#options.stallTimeoutMs);
    };
    let receivedBytes = 0;
    const ended = (fallback: ConnectionEnd): ConnectionEnd => {
      if (stalled) {
        return {
          failure: receivedBytes > 0 ? { kind: 'established-ended' } : { kind: 'network' },
          reason: 'stall',
          detail: `no data for ${this.#options.stallTimeoutMs} ms`,
        };
      }
      return fallback;
    };
    try {
      armStallTimer();
      let response: Response;
      try {
        response = await fetch(this.url, {
          headers: { authorization: `Bearer ${this.#options.token}` },
          signal: connection.signal,
        });
      } catch (error) {
        return ended({ failure: { kind: 'network' }, reason: 'network', detail: describe(error) });
      }
      if (response.status === 429) {
        await response.body?.cancel().catch(() => {});
        const reset = Number(response.headers.get('x-rate-limit-reset'));
        return {
          failure: {
            kind: 'rate-limit',
            resetAtMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
          },
          reason: 'rate-limit',
          status: 429,
          detail: `HTTP 429, x-rate-limit-reset ${response.headers.get('x-rate-limit-reset') ?? 'absent'}`,
        };
      }
      if (!response.ok || response.body === null) {
        const text = (await response.text().catch(() => '')).slice(0, 300);
        if (response.status >= 400 && response.status < 500) {
          // A bad token or request: retrying cannot help, so say so and stop.
          throw new IngestError('TWITTER_API_REFUSED', `filtered stream: HTTP ${response.status}: ${text}`, {
            context: { status: response.status },
          });
        }
        return {
          failure: { kind: 'http', status: response.status },
          reason: 'http',
          status: response.status,
          detail: `HTTP ${response.status}: ${text}`,
        };
      }
      this.#options.onConnected?.(attempt);
      const splitter = new LineSplitter();
      let line = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          armStallTimer();
          receivedBytes += chunk.byteLength;
          for (const text of splitter.push(chunk)) {
            line++;
            if (text.trim() === '') continue; // keep-alive
            const item = parseStreamLine(text, `stream#${attempt}:${line}`);
            if (item.kind === 'operational-disconnect') {
              return {
                failure: { kind: 'established-ended' },
                reason: 'operational-disconnect',
                detail: item.detail,
              };
            }
            yield item;
          }
        }
      } catch (error) {
        return ended({
          failure: receivedBytes > 0 ? { kind: 'established-ended' } : { kind: 'network' },
          reason: receivedBytes > 0 ? 'dropped' : 'network',
          detail: describe(error),
        });
      }
      const cut =
        splitter.remainder === '' ? '' : `, ${splitter.remainder.length} characters of a cut line dropped`;
      return ended({
        failure: receivedBytes > 0 ? { kind: 'established-ended' } : { kind: 'network' },
        reason: receivedBytes > 0 ? 'dropped' : 'network',
        detail: `the server closed the stream${cut}`,
      });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      connection.abort(new Error('connection finished'));
    }
  }
}

type StreamLine = IngestItem | { readonly kind: 'operational-disconnect'; readonly detail: string };

/** One JSON object of the stream: a tweet, an errors object (X closes the stream after it), or junk. */
export function parseStreamLine(text: string, origin: string): StreamLine {
  let payload: ApiV2StreamPayload;
  try {
    payload = JSON.parse(text) as ApiV2StreamPayload;
  } catch (error) {
    return { kind: 'bad-line', origin, text, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (
    typeof payload === 'object' &&
    payload !== null &&
    payload.data === undefined &&
    Array.isArray(payload.errors)
  ) {
    const detail = payload.errors
      .map((error) => [error.title, error.disconnect_type, error.detail].filter(Boolean).join(': '))
      .join('; ');
    return { kind: 'operational-disconnect', detail };
  }
  try {
    return { kind: 'tweet', tweet: tweetFromApiV2((payload as ApiV2StreamPayload | null)?.data) };
  } catch (error) {
    if (!(error instanceof TweetFormatError)) throw error;
    return { kind: 'bad-line', origin, text, reason: error.message };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
