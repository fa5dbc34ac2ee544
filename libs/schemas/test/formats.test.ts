import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonCodec, Type } from '../src/index.ts';

describe('string formats', () => {
  const codec = jsonCodec(Type.Object({ at: Type.String({ format: 'date-time' }) }), 'Stamped');
  const decode = (at: string) => codec.decode(Buffer.from(JSON.stringify({ at })));

  it('date-time accepts what toISOString writes and RFC 3339 offsets', () => {
    assert.equal(decode(new Date(0).toISOString()).at, '1970-01-01T00:00:00.000Z');
    assert.equal(decode('2024-03-01T12:30:00+02:00').at, '2024-03-01T12:30:00+02:00');
  });

  it('date-time rejects a date without time, free text and an impossible month, naming the field', () => {
    for (const at of ['2024-03-01', 'yesterday', '2024-13-01T00:00:00Z']) {
      assert.throws(() => decode(at), /\/at: .*date-time/);
    }
  });
});
