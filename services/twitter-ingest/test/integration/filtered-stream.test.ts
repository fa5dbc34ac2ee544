import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchingProducer, DEAD_LETTER_HEADERS, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readTopic, testKafka, uniqueName } from '@tributary/testing';
import { type Tweet, tweetsRaw } from '@tributary/topics';
import { generateTweets, toApiV2Payload } from '@tributary/tweets';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { IngestError } from '../../src/errors.ts';
import { IngestMetrics } from '../../src/metrics.ts';
import { runIngest } from '../../src/run.ts';
import { FilteredStreamClient, type ReconnectEvent, TWEET_FIELDS } from '../../src/stream/filtered-stream.ts';
import { syncStreamRules } from '../../src/stream/stream-rules.ts';
import { type ConnectionScript, openStream, untilClientGone, WireServer, writeCut } from './wire-server.ts';

const TOKEN = 'test-bearer-token';
const logger = pino({ level: process.env.TRIBUTARY_TEST_LOG ?? 'silent' });
const BACKOFF = {
  networkStepMs: 10,
  networkMaxMs: 160,
  httpBaseMs: 40,
  httpMaxMs: 1280,
  rateLimitBaseMs: 50,
};
const STALL_MS = 400;

// Unicode-heavy tweets, so that cutting a line's bytes can land inside a character.
const tweets = [...generateTweets({ seed: 11, startTime: Date.parse('2024-03-01T00:00:00Z'), count: 400 })]
  .filter((tweet) => Buffer.byteLength(tweet.text) > tweet.text.length)
  .slice(0, 10);
const line = (tweet: Tweet) =>
  Buffer.from(`${JSON.stringify(toApiV2Payload(tweet, [{ id: '100', tag: 'ether' }]))}\r\n`, 'utf8');
const firstMultibyte = (bytes: Buffer) => bytes.findIndex((byte) => byte >= 0x80) + 1;
const t = (n: number) => tweets[n - 1] as Tweet;

describe('filtered stream client against a local v2 wire-format server, into the real Kafka', () => {
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];

  before(async () => {
    assert.equal(tweets.length, 10);
    kafka = await testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  it('syncs rules: adds the missing, deletes the others, keeps the configured ones', async () => {
    const server = new WireServer(TOKEN, []);
    server.rules = [
      { id: '1', value: 'old rule' },
      { id: '2', value: 'ether' },
    ];
    const baseUrl = await server.start();
    try {
      const report = await syncStreamRules(baseUrl, TOKEN, [
        { value: 'ether' },
        { value: '#bitcoin lang:en', tag: 'btc' },
      ]);
      assert.deepEqual(report, {
        kept: [{ value: 'ether' }],
        added: [{ value: '#bitcoin lang:en', tag: 'btc' }],
        deleted: [{ value: 'old rule' }],
      });
      assert.deepEqual(
        server.rules.map((rule) => [rule.value, rule.tag]),
        [
          ['ether', undefined],
          ['#bitcoin lang:en', 'btc'],
        ],
      );
      assert.deepEqual(
        server.ruleRequests.map((request) => request.method),
        ['GET', 'POST', 'POST'],
      );
      // Already in place: one GET, nothing changed.
      const again = await syncStreamRules(baseUrl, TOKEN, [
        { value: 'ether' },
        { value: '#bitcoin lang:en', tag: 'btc' },
      ]);
      assert.equal(again.added.length + again.deleted.length, 0);
      assert.equal(server.ruleRequests.length, 4);
    } finally {
      await server.stop();
    }
  });

  it('a rule the API rejects stops start-up with the API’s reason; a bad token is refused, not retried', async () => {
    const server = new WireServer(TOKEN, []);
    server.invalidRules.set('ether (', 'Rules must contain a non-stopword, unmatched parenthesis');
    const baseUrl = await server.start();
    try {
      await assert.rejects(syncStreamRules(baseUrl, TOKEN, [{ value: 'ether (' }]), (error: unknown) => {
        assert.ok(error instanceof IngestError);
        assert.equal(error.code, 'TWITTER_RULES_REJECTED');
        assert.match(
          error.message,
          /ether \(: Invalid Rule \(Rules must contain a non-stopword, unmatched parenthesis\)/,
        );
        return true;
      });
      await assert.rejects(
        syncStreamRules(baseUrl, 'wrong', [{ value: 'ether' }]),
        /TWITTER_API_REFUSED|HTTP 401/,
      );
      const client = new FilteredStreamClient({
        baseUrl,
        token: 'wrong',
        stallTimeoutMs: STALL_MS,
        backoff: BACKOFF,
      });
      const items = client.items(new AbortController().signal);
      await assert.rejects(
        items.next(),
        (error: unknown) => error instanceof IngestError && error.code === 'TWITTER_API_REFUSED',
      );
    } finally {
      await server.stop();
    }
  });

  it('through stall, 503s, 429s, an operational disconnect, an abrupt cut and a refused connection, Kafka gets exactly the tweets served, once', async () => {
    const resetAt = { seconds: 0 };
    const scripts: ConnectionScript[] = [
      // 1: keep-alive, three tweets with lines cut across chunks (inside a UTF-8 character), a bad line, then silence.
      async (response) => {
        openStream(response);
        response.write('\r\n');
        for (const n of [1, 2, 3]) await writeCut(response, line(t(n)), firstMultibyte(line(t(n))));
        response.write('{"data": {"id": "not a tweet\r\n');
        response.write('{"data":{"id":"123","text":"no author, no time"}}\r\n');
        await untilClientGone(response); // stall: no byte until the client gives up
      },
      // 2, 3: the service is unavailable.
      async (response) => {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"title":"Service Unavailable"}');
      },
      async (response) => {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"title":"Service Unavailable"}');
      },
      // 4: too many requests, no reset header; 5: with one, one second ahead.
      async (response) => {
        response.writeHead(429, { 'content-type': 'application/json' }).end('{"title":"Too Many Requests"}');
      },
      async (response) => {
        resetAt.seconds = Math.ceil(Date.now() / 1000) + 1;
        response
          .writeHead(429, {
            'x-rate-limit-limit': '50',
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(resetAt.seconds),
          })
          .end('{"title":"Too Many Requests"}');
      },
      // 6: two tweets, then X's operational disconnect.
      async (response) => {
        openStream(response);
        response.write(Buffer.concat([line(t(4)), Buffer.from('\r\n'), line(t(5))]));
        response.end(
          `${JSON.stringify({ errors: [{ title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect', detail: 'This stream has been disconnected upstream for operational reasons.', type: 'https://api.twitter.com/2/problems/operational-disconnect' }] })}\r\n`,
        );
      },
      // 7: one tweet, half of the next, and the connection is cut.
      async (response) => {
        openStream(response);
        response.write(line(t(6)));
        const seventh = line(t(7));
        response.write(seventh.subarray(0, Math.floor(seventh.length / 2)));
        await sleep(50);
        response.socket?.destroy();
      },
      // 8: refused before any byte (a network-level failure).
      async (_response, request) => {
        request.socket.destroy();
      },
      // 9: the API sends tweet 6 again (as redundant connections can), then 8 to 10, then keep-alives.
      async (response) => {
        openStream(response);
        for (const n of [6, 8, 9, 10]) response.write(line(t(n)));
        while (!response.destroyed) {
          response.write('\r\n');
          await sleep(50);
        }
      },
    ];
    const server = new WireServer(TOKEN, scripts);
    const baseUrl = await server.start();
    const name = uniqueName('tweets-stream');
    const topic = defineTopic({ ...tweetsRaw, name, partitions: 3, deadLetterTopic: `${name}.dlq` });
    topics.push(name, `${name}.dlq`);
    await new TopicRegistry([topic], { defaultReplicationFactor: 1 }).ensure(admin);
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    const events: ReconnectEvent[] = [];
    const connected: number[] = [];
    const registry = new Registry();
    const metrics = new IngestMetrics(registry, 'api');
    try {
      const client = new FilteredStreamClient({
        baseUrl,
        token: TOKEN,
        stallTimeoutMs: STALL_MS,
        backoff: BACKOFF,
        onReconnect: (event) => events.push(event),
        onConnected: (attempt) => connected.push(attempt),
      });
      const abort = new AbortController();
      const served = [1, 2, 3, 4, 5, 6, 8, 9, 10].map(t);
      const report = await runIngest(client.items(abort.signal), {
        producer,
        topic,
        metrics,
        logger,
        count: served.length,
        progressIntervalMs: 60_000,
        signal: abort.signal,
      });
      assert.deepEqual(report.produced, 9);
      assert.deepEqual(report.deadLettered, 2);
      assert.deepEqual(report.duplicates, 1);

      // The schedule: what happened and the delay chosen, in order (never the wall time taken).
      const rateLimited = events[4];
      assert.deepEqual(
        events.map((event) => [
          event.attempt,
          event.reason,
          event.status,
          event.reason === 'rate-limit' && event.status && event === rateLimited
            ? 'until-reset'
            : event.delayMs,
        ]),
        [
          [1, 'stall', undefined, 0],
          [2, 'http', 503, 40],
          [3, 'http', 503, 80],
          [4, 'rate-limit', 429, 50],
          [5, 'rate-limit', 429, 'until-reset'],
          [6, 'operational-disconnect', undefined, 0],
          [7, 'dropped', undefined, 0],
          [8, 'network', undefined, 10],
        ],
      );
      assert.ok(
        (rateLimited?.delayMs ?? -1) >= 0 && (rateLimited?.delayMs ?? Number.POSITIVE_INFINITY) <= 2000,
      );
      assert.match(rateLimited?.detail ?? '', new RegExp(`x-rate-limit-reset ${resetAt.seconds}`));
      assert.match(events[5]?.detail ?? '', /operational-disconnect: UpstreamOperationalDisconnect/);
      assert.match(events[6]?.detail ?? '', /other side closed|terminated|socket|closed/i);
      assert.deepEqual(connected, [1, 6, 7, 9]);
      assert.ok(
        server.streamRequests.every(
          (search) => new URLSearchParams(search).get('tweet.fields') === TWEET_FIELDS,
        ),
      );

      const records = await readTopic(kafka, name);
      assert.equal(records.length, served.length, 'nothing lost, nothing twice');
      const byId = new Map(records.map((record) => [record.key, JSON.parse(record.value) as Tweet]));
      for (const tweet of served) assert.deepEqual(byId.get(tweet.id), tweet);
      assert.ok(!byId.has(t(7).id), 'the cut tweet never arrived whole, and the API does not replay it');

      const letters = await readTopic(kafka, `${name}.dlq`);
      assert.deepEqual(
        letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.input]),
        ['stream#1:5', 'stream#1:6'],
      );
      assert.match(letters[0]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /invalid JSON/);
      assert.match(letters[1]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /authorId|createdAt/);
      const exposition = await registry.metrics();
      assert.match(exposition, /twitter_ingest_tweets_total\{source="api"\} 9/);
      assert.match(exposition, /twitter_ingest_invalid_total\{source="api"\} 2/);
      assert.match(exposition, /twitter_ingest_duplicates_total\{source="api"\} 1/);
    } finally {
      await producer.disconnect();
      await server.stop();
    }
  });
});
