import { DecodeError } from '@tributary/schemas';
import { type Tweet, tweetsRaw } from '@tributary/topics';

/** The fields of an X API v2 tweet we ask for (tweet.fields=created_at,lang,author_id,entities,referenced_tweets). */
export interface ApiV2Tweet {
  readonly id: string;
  readonly text: string;
  readonly author_id?: string;
  readonly created_at?: string;
  readonly lang?: string;
  readonly edit_history_tweet_ids?: readonly string[];
  readonly entities?: { readonly hashtags?: readonly { start: number; end: number; tag: string }[] };
  readonly referenced_tweets?: readonly { type: 'retweeted' | 'quoted' | 'replied_to'; id: string }[];
}

/** One object of the filtered stream (or a line of a captured stream): a tweet, and/or errors. */
export interface ApiV2StreamPayload {
  readonly data?: ApiV2Tweet;
  readonly matching_rules?: readonly { id: string; tag?: string }[];
  readonly errors?: readonly ApiV2Error[];
}

/** An error object, e.g. `{title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect'}`. */
export interface ApiV2Error {
  readonly title?: string;
  readonly detail?: string;
  readonly type?: string;
  readonly disconnect_type?: string;
  readonly [field: string]: unknown;
}

/** A value that is no tweet: the reason names the field, like a DecodeError. */
export class TweetFormatError extends Error {
  readonly code = 'TWEET_FORMAT';
  readonly retriable = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TweetFormatError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates with the topic's own codec, so whatever passes here is accepted by every consumer. */
function checked(candidate: Record<string, unknown>): Tweet {
  try {
    return tweetsRaw.value.decode(Buffer.from(JSON.stringify(candidate)));
  } catch (error) {
    if (error instanceof DecodeError) throw new TweetFormatError(error.message, { cause: error });
    throw error;
  }
}

/** Maps the API's `data` object to a Tweet: author_id → authorId, entity tags, the retweeted id. */
export function tweetFromApiV2(data: unknown): Tweet {
  if (!isObject(data)) throw new TweetFormatError('data: expected an object');
  const entities = isObject(data.entities) ? data.entities : undefined;
  const hashtags = Array.isArray(entities?.hashtags)
    ? entities.hashtags.map((entity: unknown, index) => {
        if (!isObject(entity) || typeof entity.tag !== 'string')
          throw new TweetFormatError(`data.entities.hashtags[${index}].tag: expected a string`);
        return entity.tag;
      })
    : undefined;
  const retweeted = Array.isArray(data.referenced_tweets)
    ? data.referenced_tweets.find(
        (reference: unknown) => isObject(reference) && reference.type === 'retweeted',
      )
    : undefined;
  return checked({
    id: data.id,
    text: data.text,
    authorId: data.author_id,
    createdAt: data.created_at,
    ...(data.lang === undefined ? {} : { lang: data.lang }),
    ...(hashtags === undefined ? {} : { hashtags }),
    ...(isObject(retweeted) ? { retweetOfId: retweeted.id } : {}),
  });
}

const TWEET_FIELDS = ['id', 'text', 'authorId', 'createdAt', 'lang', 'hashtags', 'retweetOfId'] as const;

/**
 * A parsed JSON value as a Tweet: the API's `{data: {...}}` envelope or our own Tweet shape. Only the
 * Tweet's fields are kept. An envelope with `errors` and no `data` is an error report, not a tweet.
 */
export function tweetFromJson(value: unknown): Tweet {
  if (!isObject(value)) throw new TweetFormatError('expected a JSON object');
  if ('data' in value) return tweetFromApiV2(value.data);
  if ('errors' in value) {
    throw new TweetFormatError(
      `an API error object, not a tweet: ${JSON.stringify(value.errors).slice(0, 300)}`,
    );
  }
  const candidate: Record<string, unknown> = {};
  for (const field of TWEET_FIELDS) if (value[field] !== undefined) candidate[field] = value[field];
  return checked(candidate);
}

/** A line of JSON as a Tweet (see {@link tweetFromJson}). */
export function parseTweetLine(text: string): Tweet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TweetFormatError(`invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  return tweetFromJson(value);
}

/** A Tweet in the API's stream envelope: what the filtered stream would send for it. */
export function toApiV2Payload(
  tweet: Tweet,
  matchingRules: readonly { id: string; tag?: string }[] = [],
): ApiV2StreamPayload {
  let from = 0;
  const hashtags = (tweet.hashtags ?? []).map((tag) => {
    const start = Math.max(0, tweet.text.indexOf(`#${tag}`, from));
    from = start + 1;
    return { start, end: start + tag.length + 1, tag };
  });
  return {
    data: {
      id: tweet.id,
      text: tweet.text,
      author_id: tweet.authorId,
      created_at: tweet.createdAt,
      edit_history_tweet_ids: [tweet.id],
      ...(tweet.lang === undefined ? {} : { lang: tweet.lang }),
      ...(hashtags.length === 0 ? {} : { entities: { hashtags } }),
      ...(tweet.retweetOfId === undefined
        ? {}
        : { referenced_tweets: [{ type: 'retweeted' as const, id: tweet.retweetOfId }] }),
    },
    matching_rules: matchingRules,
  };
}
