import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { DEAD_LETTER_HEADERS } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { type ReadRecord, readTopic, testKafka, uniqueName } from '@tributary/testing';
import type { Tweet } from '@tributary/topics';
import { generateTweets, toApiV2Payload } from '@tributary/tweets';
import type { Admin, Kafka } from 'kafkajs';

const SERVICE = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

describe('twitter-ingest as a process, producing to the real Kafka', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  let dir: string;
  const topics: string[] = [];

  before(async () => {
    brokers = (await readStackState()).kafka.brokers;
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    dir = await mkdtemp(join(tmpdir(), 'twitter-ingest-'));
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(env: Record<string, string>): Promise<{
    code: number | null;
    finished: Record<string, unknown> | undefined;
    logs: ServiceProcess['logs'];
  }> {
    const process = new ServiceProcess('twitter-ingest', SERVICE, {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      TRIBUTARY_LOG_LEVEL: 'info',
      ...env,
    });
    const exit = await process.exited;
    return {
      code: exit.code,
      finished: process.logs.find((line) => line.msg === 'source finished'),
      logs: process.logs,
    };
  }

  const topicName = (prefix: string) => {
    const name = uniqueName(prefix);
    topics.push(name, `${name}.dlq`);
    return name;
  };

  it('generator mode: exactly COUNT tweets keyed by id, equal to the library generator with the same seed', async () => {
    const topic = topicName('ingest-generated');
    const startTime = '2024-03-01T00:00:00.000Z';
    const { code, finished } = await run({
      TWITTER_INGEST_SOURCE: 'generator',
      TWITTER_INGEST_TOPIC: topic,
      TWITTER_INGEST_COUNT: '3000',
      TWITTER_INGEST_SEED: '5',
      TWITTER_INGEST_RATE: '200',
      TWITTER_INGEST_START_TIME: startTime,
    });
    assert.equal(code, 0);
    assert.deepEqual(
      { produced: finished?.produced, deadLettered: finished?.deadLettered },
      { produced: 3000, deadLettered: 0 },
    );
    const records = await readTopic(kafka, topic);
    const expected = [
      ...generateTweets({ seed: 5, startTime: Date.parse(startTime), ratePerSecond: 200, count: 3000 }),
    ];
    assert.equal(records.length, 3000);
    const byId = new Map(
      records.map((record: ReadRecord) => [record.key, JSON.parse(record.value) as Tweet]),
    );
    for (const tweet of expected) assert.deepEqual(byId.get(tweet.id), tweet);
  });

  it('generator mode, live: paced, createdAt stamped around the run', async () => {
    const topic = topicName('ingest-live');
    const before = Date.now();
    const { code } = await run({
      TWITTER_INGEST_SOURCE: 'generator',
      TWITTER_INGEST_TOPIC: topic,
      TWITTER_INGEST_COUNT: '40',
      TWITTER_INGEST_RATE: '100',
    });
    const afterRun = Date.now();
    assert.equal(code, 0);
    const records = await readTopic(kafka, topic);
    assert.equal(records.length, 40);
    for (const record of records) {
      const createdAt = Date.parse((JSON.parse(record.value) as Tweet).createdAt);
      // Late tweets lie up to 5 s before their neighbours.
      assert.ok(
        createdAt >= before - 5000 && createdAt <= afterRun,
        `${createdAt} in [${before - 5000}, ${afterRun}]`,
      );
    }
  });

  it('file mode: API v2 and Tweet lines produced, bad lines to the DLQ with file:line and reason, the run carries on', async () => {
    const topic = topicName('ingest-file');
    const good = [...generateTweets({ seed: 8, startTime: Date.parse('2024-03-01T00:00:00Z'), count: 4 })];
    const file = join(dir, 'capture.jsonl');
    const lines = [
      JSON.stringify(toApiV2Payload(good[0] as Tweet)),
      '',
      '{"data":{"id":"1","text":"x"',
      JSON.stringify(good[1]),
      JSON.stringify({ ...good[2], createdAt: 'last tuesday' }),
      JSON.stringify(toApiV2Payload(good[3] as Tweet)),
      '{"errors":[{"title":"operational-disconnect"}]}',
    ];
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    const { code, finished } = await run({
      TWITTER_INGEST_SOURCE: 'file',
      TWITTER_INGEST_FILE: file,
      TWITTER_INGEST_TOPIC: topic,
    });
    assert.equal(code, 0);
    assert.deepEqual(
      { produced: finished?.produced, deadLettered: finished?.deadLettered },
      { produced: 3, deadLettered: 3 },
    );
    const records = await readTopic(kafka, topic);
    assert.deepEqual(
      records.map((record) => record.key).sort(),
      [good[0], good[1], good[3]].map((tweet) => tweet?.id).sort(),
    );
    const letters = await readTopic(kafka, `${topic}.dlq`);
    assert.deepEqual(
      letters.map((letter) => [letter.headers[DEAD_LETTER_HEADERS.input], letter.value]),
      [
        [`${file}:3`, lines[2]],
        [`${file}:5`, lines[4]],
        [`${file}:7`, lines[6]],
      ],
    );
    assert.match(letters[1]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /createdAt/);
  });

  it('stdin mode: reads lines as they are piped in, bad ones to the DLQ as stdin:<line>', async () => {
    const topic = topicName('ingest-stdin');
    const good = [...generateTweets({ seed: 9, startTime: Date.parse('2024-03-01T00:00:00Z'), count: 50 })];
    const child = spawn(process.execPath, ['--import', 'tsx', SERVICE], {
      env: {
        ...process.env,
        TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
        TRIBUTARY_HTTP_HOST: '127.0.0.1',
        TRIBUTARY_HTTP_PORT: '0',
        TRIBUTARY_GRPC_HOST: '127.0.0.1',
        TRIBUTARY_GRPC_PORT: '0',
        TWITTER_INGEST_SOURCE: 'stdin',
        TWITTER_INGEST_TOPIC: topic,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // Two writes, the second one after a pause, the first cut mid-line: stdin is a stream, not a file.
    const text = good
      .map((tweet, index) => (index === 20 ? 'nope\n' : `${JSON.stringify(tweet)}\n`))
      .join('');
    child.stdin.write(text.slice(0, 3001));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.end(text.slice(3001));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    const finished = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'source finished');
    assert.deepEqual(
      { produced: finished?.produced, deadLettered: finished?.deadLettered },
      { produced: 49, deadLettered: 1 },
    );
    const records = await readTopic(kafka, topic);
    assert.deepEqual(
      records.map((record) => record.key).sort(),
      good
        .filter((_, index) => index !== 20)
        .map((tweet) => tweet.id)
        .sort(),
    );
    const letters = await readTopic(kafka, `${topic}.dlq`);
    assert.deepEqual(
      letters.map((letter) => [letter.headers[DEAD_LETTER_HEADERS.input], letter.value]),
      [['stdin:21', 'nope']],
    );
  });

  it('a source without what it needs stops start-up naming the variable', async () => {
    const { code, logs } = await run({ TWITTER_INGEST_SOURCE: 'api' });
    assert.equal(code, 78);
    assert.ok(
      logs.some((line) => /TWITTER_BEARER_TOKEN/.test(String(line.msg))),
      JSON.stringify(logs),
    );
  });
});
