import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitBySize } from '../src/request-size.ts';

const message = (n: number, bytes: number) => ({ key: `k${n}`, value: Buffer.alloc(bytes, 1) });

describe('splitBySize', () => {
  it('keeps a small request whole', () => {
    const requests = splitBySize([{ topic: 'a', messages: [message(1, 10), message(2, 10)] }], 1_000);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.[0]?.messages.length, 2);
  });

  it('splits a request above the limit into requests below it, in order, losing nothing', () => {
    const input = [
      { topic: 'a', messages: Array.from({ length: 30 }, (_, n) => message(n, 100)) },
      { topic: 'b', messages: Array.from({ length: 30 }, (_, n) => message(100 + n, 100)) },
    ];
    const requests = splitBySize(input, 1_000);
    assert.ok(requests.length > 1);
    const flattened = requests.flatMap((request) =>
      request.flatMap(({ topic, messages }) => messages.map((m) => `${topic}:${m.key}`)),
    );
    assert.deepEqual(
      flattened,
      input.flatMap(({ topic, messages }) => messages.map((m) => `${topic}:${m.key}`)),
    );
    for (const request of requests) {
      const bytes = request.reduce(
        (sum, { messages }) => sum + messages.reduce((s, m) => s + (m.value?.length ?? 0) + 34, 0),
        0,
      );
      assert.ok(bytes <= 1_000, `a request of ${bytes} bytes`);
    }
  });

  it('sends a record larger than the limit alone rather than dropping it', () => {
    const requests = splitBySize(
      [{ topic: 'a', messages: [message(1, 10), message(2, 5_000), message(3, 10)] }],
      1_000,
    );
    assert.deepEqual(
      requests.map((request) => request.flatMap(({ messages }) => messages.map((m) => m.key))),
      [['k1'], ['k2'], ['k3']],
    );
  });
});
