import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Client,
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { waitFor } from '@tributary/testing';
import type { HashtagTop } from '@tributary/topics';
import { hashtagRankingDefinition, hashtagRankingImplementation } from '../src/grpc/top-hashtags-service.ts';
import { T0, TAGS, TopFixture, topOf, windowStart } from './ranking-support.ts';

type Answer = { windowStart: string; windowEnd: string; top: HashtagTop['top']; final: boolean };
type Call = (
  request: { window: string; n: number },
  callback: (error: ServiceError | null, response?: Answer) => void,
) => void;

describe('gRPC TopHashtags, answered from the view of hashtags.top on the real broker', () => {
  let fixture: TopFixture;
  let server: Server;
  let client: Client & { TopHashtags: Call };
  const answered: string[] = [];
  const topHashtags = (window: string, n = 0) =>
    new Promise<Answer>((resolve, reject) =>
      client.TopHashtags({ window, n }, (error, response) =>
        error ? reject(error) : resolve(response as Answer),
      ),
    );
  const refusal = async (window: string) => {
    const error = await topHashtags(window).then(
      () => assert.fail(`window '${window}' was answered`),
      (rejected: ServiceError) => rejected,
    );
    return error.code;
  };

  before(async () => {
    fixture = await TopFixture.start([
      { key: windowStart(0), value: topOf(0, TAGS.slice(0, 10), { final: true }) },
      { key: windowStart(1), value: topOf(1, TAGS.slice(2, 12)) },
      { key: windowStart(2), value: topOf(2, TAGS.slice(1, 6)) },
      { key: windowStart(-5), value: topOf(-5, TAGS.slice(0, 3), { final: true }) },
      { key: windowStart(-5), value: null },
    ]);
    server = new Server();
    server.addService(
      hashtagRankingDefinition(),
      hashtagRankingImplementation(fixture.view, (code) => answered.push(code)),
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const Constructor = makeGenericClientConstructor(hashtagRankingDefinition(), 'HashtagRanking');
    client = new Constructor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as typeof client;
  });

  after(async () => {
    client?.close();
    server?.forceShutdown();
    await fixture?.stop();
  });

  it('returns the top of a window named by its start, in ISO 8601 or epoch milliseconds', async () => {
    const expected = topOf(1, TAGS.slice(2, 12));
    assert.deepEqual(await topHashtags(windowStart(1)), expected);
    assert.deepEqual(await topHashtags(String(T0 + 10_000)), expected);
    assert.deepEqual(
      await topHashtags('2025-01-06T11:00:10+01:00'),
      expected,
      'any offset names the same instant',
    );
  });

  it('returns the first n tags when n is given, and all kept ones for n = 0 or more than kept', async () => {
    const full = topOf(0, TAGS.slice(0, 10), { final: true });
    assert.deepEqual((await topHashtags(windowStart(0), 3)).top, full.top.slice(0, 3));
    assert.equal((await topHashtags(windowStart(0), 0)).top.length, 10);
    assert.equal((await topHashtags(windowStart(0), 50)).top.length, 10);
    assert.equal((await topHashtags(windowStart(0))).final, true);
  });

  it('answers an empty window with the newest closed window, following the topic as it grows', async () => {
    // Windows 0, 1, 2 exist; the newest starts at window 0's end, so window 0 is the newest closed one.
    assert.equal((await topHashtags('')).windowStart, windowStart(0));
    await fixture.produce([{ key: windowStart(3), value: topOf(3, TAGS.slice(0, 4)) }]);
    const current = await waitFor('window 1 to become the current one', async () => {
      const answer = await topHashtags('');
      return answer.windowStart === windowStart(1) ? answer : undefined;
    });
    assert.deepEqual(current, topOf(1, TAGS.slice(2, 12)));
  });

  it('refuses a window it does not know (NOT_FOUND, tombstoned ones too) and one it cannot read (INVALID_ARGUMENT)', async () => {
    assert.equal(await refusal(windowStart(40)), status.NOT_FOUND);
    assert.equal(await refusal(windowStart(-5)), status.NOT_FOUND, 'an expired (tombstoned) window is gone');
    assert.equal(await refusal('yesterday-ish'), status.INVALID_ARGUMENT);
    assert.ok(
      answered.includes('NOT_FOUND') && answered.includes('INVALID_ARGUMENT') && answered.includes('OK'),
    );
    assert.equal(fixture.crash, undefined);
  });
});
