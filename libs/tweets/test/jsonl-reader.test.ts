import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  generateTweets,
  readTweetJsonl,
  type TweetLine,
  toApiV2Payload,
  toTweetJsonlLine,
} from '../src/index.ts';

async function all(lines: AsyncIterable<TweetLine>): Promise<TweetLine[]> {
  const read: TweetLine[] = [];
  for await (const line of lines) read.push(line);
  return read;
}

const apiLine = JSON.stringify({
  data: {
    id: '1763353455621046272',
    text: 'RT @x: love #Café and #日本 https://a.example/#frag',
    author_id: '42',
    created_at: '2024-03-01T00:00:00.000Z',
    lang: 'fr',
    edit_history_tweet_ids: ['1763353455621046272'],
    entities: {
      hashtags: [
        { start: 12, end: 17, tag: 'Café' },
        { start: 22, end: 25, tag: '日本' },
      ],
    },
    referenced_tweets: [{ type: 'retweeted', id: '1763353455000000000' }],
  },
  matching_rules: [{ id: '1', tag: 'ether' }],
});

describe('readTweetJsonl', () => {
  it('maps API v2 lines and our Tweet lines, dead-letters bad ones with origin and reason, keeps going', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tweets-'));
    try {
      const file = join(dir, 'tweets.jsonl');
      const ours =
        '{"id":"5","text":"#a","authorId":"1","createdAt":"2024-03-01T00:00:01.000Z","hashtags":["a"],"extra":1}';
      await writeFile(
        file,
        [
          apiLine,
          '\r',
          ours,
          '{not json',
          '{"id":"x7","text":"t","authorId":"1","createdAt":"2024-03-01T00:00:00Z"}',
          '{"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect"}]}',
          '{"data":{"id":"8","text":"t","author_id":"1","created_at":"soon"}}',
          '[]',
        ].join('\n'),
      );
      const lines = await all(readTweetJsonl(file));
      assert.deepEqual(lines[0], {
        kind: 'tweet',
        line: 1,
        tweet: {
          id: '1763353455621046272',
          text: 'RT @x: love #Café and #日本 https://a.example/#frag',
          authorId: '42',
          createdAt: '2024-03-01T00:00:00.000Z',
          lang: 'fr',
          hashtags: ['Café', '日本'],
          retweetOfId: '1763353455000000000',
        },
      });
      assert.deepEqual(lines[1], {
        kind: 'tweet',
        line: 3,
        tweet: { id: '5', text: '#a', authorId: '1', createdAt: '2024-03-01T00:00:01.000Z', hashtags: ['a'] },
      });
      const bad = lines.slice(2);
      assert.deepEqual(
        bad.map((line) => (line.kind === 'bad-line' ? line.origin : 'tweet')),
        [4, 5, 6, 7, 8].map((n) => `${file}:${n}`),
      );
      const reasons = bad.map((line) => (line.kind === 'bad-line' ? line.reason : ''));
      assert.match(reasons[0] ?? '', /invalid JSON/);
      assert.match(reasons[1] ?? '', /\/id/);
      assert.match(reasons[2] ?? '', /API error object.*operational-disconnect/);
      assert.match(reasons[3] ?? '', /\/createdAt/);
      assert.match(reasons[4] ?? '', /expected a JSON object/);
      assert.equal(bad[0]?.kind === 'bad-line' && bad[0].text, '{not json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a stream (stdin) and round-trips generated tweets in both shapes', async () => {
    const tweets = [
      ...generateTweets({ seed: 3, startTime: Date.parse('2024-03-01T00:00:00Z'), count: 300 }),
    ];
    const text = tweets
      .map((tweet, index) =>
        index % 2 === 0 ? toTweetJsonlLine(tweet) : `${JSON.stringify(toApiV2Payload(tweet))}\r\n`,
      )
      .join('');
    const lines = await all(readTweetJsonl(Readable.from([text.slice(0, 1000), text.slice(1000)])));
    assert.deepEqual(
      lines.map((line) => (line.kind === 'tweet' ? line.tweet : line.reason)),
      tweets,
    );
    assert.equal(lines.at(-1)?.line, 300);
  });
});
