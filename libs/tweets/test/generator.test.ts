import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tweetsRaw } from '@tributary/topics';
import {
  generateTweets,
  snowflakeTime,
  type TweetGeneratorOptions,
  tagVocabulary,
  ZipfSampler,
} from '../src/index.ts';

const START = Date.parse('2024-03-01T00:00:00Z');
const take = (options: Partial<TweetGeneratorOptions> & { count: number }) => [
  ...generateTweets({ seed: 7, startTime: START, ...options }),
];
const folded = (tags: readonly string[] | undefined) => (tags ?? []).map((tag) => tag.toLowerCase());

describe('generateTweets', () => {
  it('is deterministic: same seed, same tweets; another seed, other tweets', () => {
    assert.deepEqual(take({ count: 500 }), take({ count: 500 }));
    assert.notDeepEqual(take({ count: 50 }), take({ count: 50, seed: 8 }));
  });

  it('every tweet passes the tweets.raw codec, ids are unique and snowflakes of about createdAt', () => {
    const tweets = take({ count: 5000, outOfOrder: { share: 0, maxDelayMs: 0 } });
    assert.equal(new Set(tweets.map((tweet) => tweet.id)).size, tweets.length);
    for (const tweet of tweets) {
      assert.deepEqual(tweetsRaw.value.decode(tweetsRaw.value.encode(tweet)), tweet);
      assert.equal(snowflakeTime(tweet.id), Date.parse(tweet.createdAt));
    }
  });

  it('paces event time at the rate: 100/s over 20,000 tweets spans about 200 s', () => {
    const tweets = take({ count: 20_000, ratePerSecond: 100 });
    const span = snowflakeTime(tweets.at(-1)?.id ?? '0') - START;
    assert.ok(span > 190_000 && span < 210_000, `span ${span} ms`);
  });

  it('hashtag popularity follows Zipf: rank 1 most used, the top 10 carry a large share', () => {
    const counts = new Map<string, number>();
    for (const tweet of take({
      count: 20_000,
      trending: { everyMs: 60_000, durationMs: 0, share: 0 },
      retweetShare: 0,
    })) {
      for (const tag of new Set(folded(tweet.hashtags))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1]);
    assert.equal(ranked[0]?.[0], 'ether');
    const total = ranked.reduce((sum, [, count]) => sum + count, 0);
    const top10 = ranked.slice(0, 10).reduce((sum, [, count]) => sum + count, 0);
    assert.ok(top10 / total > 0.35 && top10 / total < 0.8, `top 10 share ${top10 / total}`);
    assert.ok(ranked.length > 150, `distinct tags ${ranked.length}`);
  });

  it('a trending burst lifts one tail tag into the top 3 while it lasts, and it falls back after', () => {
    const trending = { everyMs: 100_000, durationMs: 30_000, share: 0.4 };
    const tweets = take({
      count: 10_000,
      ratePerSecond: 100,
      trending,
      retweetShare: 0,
      outOfOrder: { share: 0, maxDelayMs: 0 },
    });
    const topOf = (from: number, to: number) => {
      const counts = new Map<string, number>();
      for (const tweet of tweets) {
        const at = Date.parse(tweet.createdAt) - START;
        if (at < from || at >= to) continue;
        for (const tag of new Set(folded(tweet.hashtags))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1]).map(([tag]) => tag);
    };
    const vocabulary = tagVocabulary(300).map(({ tag }) => tag.toLowerCase());
    const during = topOf(0, 30_000);
    const trendRank = vocabulary.indexOf(during[0] ?? '');
    assert.ok(trendRank >= 20, `the burst's tag is a tail tag (rank ${trendRank})`);
    assert.ok(topOf(40_000, 100_000).indexOf(during[0] ?? '') > 3, 'after the burst it is no longer on top');
  });

  it('writes hard cases: Unicode tags, mixed case, punctuation, retweets, decoys that are no entity', () => {
    const tweets = take({ count: 20_000 });
    const texts = tweets.map((tweet) => tweet.text).join('\n');
    for (const pattern of [
      /#café/i,
      /#日本/,
      /#привет/i,
      /\(#\p{L}+\)/u,
      /#\p{L}+,/u,
      /#\p{L}+!/u,
      /https:\/\/\S+#\S+/,
      /(^|\s)#\d+\b/m,
    ]) {
      assert.match(texts, pattern);
    }
    const tags = new Set(tweets.flatMap((tweet) => tweet.hashtags ?? []));
    assert.ok(
      [...tags].some((tag) => tag !== tag.toLowerCase() && tag !== tag.toUpperCase()),
      'mixed case',
    );
    assert.ok(
      [...tags].some((tag) => tag.toUpperCase() === tag && /\p{Lu}{3}/u.test(tag)),
      'upper case',
    );
    assert.ok(
      [...tags].every((tag) => !/^\d+$/.test(tag)),
      'no all-digit entity',
    );
    assert.ok(
      [...tags].every((tag) => /^[\p{L}\p{N}_]+$/u.test(tag)),
      'entities are letters, digits, _',
    );
    for (const tweet of tweets) {
      for (const tag of tweet.hashtags ?? [])
        assert.ok(tweet.text.includes(`#${tag}`), `${tag} in ${tweet.text}`);
    }
    const ids = new Map(tweets.map((tweet, index) => [tweet.id, index]));
    const retweets = tweets.filter((tweet) => tweet.retweetOfId !== undefined);
    assert.ok(retweets.length > 2000 && retweets.length < 4000, `retweets ${retweets.length}`);
    for (const retweet of retweets) {
      assert.match(retweet.text, /^RT @user\d+: /);
      assert.ok(
        (ids.get(retweet.retweetOfId ?? '') ?? Number.POSITIVE_INFINITY) < (ids.get(retweet.id) ?? 0),
      );
    }
    assert.ok(new Set(tweets.map((tweet) => tweet.lang)).size >= 8, 'several languages');
  });

  it('createdAt rises except for the configured share of late tweets, none later than maxDelayMs', () => {
    const tweets = take({ count: 10_000, outOfOrder: { share: 0.1, maxDelayMs: 3000 } });
    let late = 0;
    for (const tweet of tweets) {
      const lag = snowflakeTime(tweet.id) - Date.parse(tweet.createdAt);
      assert.ok(lag >= 0 && lag < 3000);
      if (lag > 0) late++;
    }
    assert.ok(late > 800 && late < 1200, `late ${late}`);
  });
});

describe('ZipfSampler', () => {
  it('probabilities are 1/rank^s normalised', () => {
    const zipf = new ZipfSampler(3, 1);
    const total = 1 + 1 / 2 + 1 / 3;
    assert.ok(Math.abs(zipf.probability(0) - 1 / total) < 1e-12);
    assert.ok(Math.abs(zipf.probability(2) - 1 / 3 / total) < 1e-12);
  });
});
