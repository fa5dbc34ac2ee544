import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReplayArgs, UsageError } from '../src/config.ts';
import { Pacer } from '../src/pacer.ts';

describe('parseReplayArgs', () => {
  it('defaults to 10,000 rows/s on taxi.rides from the bundled sample', () => {
    const options = parseReplayArgs([]);
    assert.deepEqual(options.pace, { kind: 'rate', rowsPerSecond: 10_000 });
    assert.equal(options.topic, 'taxi.rides');
    assert.match(options.file, /data\/taxi\/sample\.csv$/);
    assert.match(options.checkpoint, /sample\.csv\.taxi\.rides\.checkpoint\.json$/);
  });

  it('reads --rate max and --speedup, and refuses both at once or bad numbers', () => {
    assert.deepEqual(parseReplayArgs(['--rate', 'max']).pace, { kind: 'max' });
    assert.deepEqual(parseReplayArgs(['--speedup', '3600']).pace, { kind: 'speedup', factor: 3600 });
    assert.throws(() => parseReplayArgs(['--rate', '10', '--speedup', '2']), UsageError);
    assert.throws(() => parseReplayArgs(['--rate', '-1']), /--rate/);
    assert.throws(() => parseReplayArgs(['--max-rows', '0']), /--max-rows/);
    assert.throws(() => parseReplayArgs(['--bogus']), UsageError);
  });
});

describe('Pacer', () => {
  it('by event time: an hour of pickups at speed-up 3600 is due a second later; late rows never wait', () => {
    const pacer = new Pacer({ kind: 'speedup', factor: 3600 });
    const at = (ms: number) => new Date(Date.UTC(2014, 0, 1) + ms).toISOString();
    assert.equal(pacer.admit(at(0)), 0);
    const wait = pacer.admit(at(3_600_000));
    assert.ok(wait > 900 && wait <= 1000, `waits ${wait} ms`);
    assert.ok(pacer.admit(at(1000)) <= wait, 'an out-of-order pickup is due no later than the latest');
  });

  it('by rate: the 1,000th row at 1,000/s is due about a second in; max never waits', () => {
    const pacer = new Pacer({ kind: 'rate', rowsPerSecond: 1000 });
    let wait = 0;
    for (let row = 0; row < 1000; row++) wait = pacer.admit(undefined);
    assert.ok(wait > 900 && wait <= 1000);
    assert.equal(new Pacer({ kind: 'max' }).admit('2014-01-01T00:00:00.000Z'), 0);
  });
});
