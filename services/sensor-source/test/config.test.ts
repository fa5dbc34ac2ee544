import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSourceArgs, UsageError } from '../src/config.ts';

describe('parseSourceArgs', () => {
  it('names the bad flag and what it expects', () => {
    assert.throws(
      () => parseSourceArgs(['--mode=nope']),
      (error: unknown) =>
        error instanceof UsageError && /--mode: expected one of generated, article, file/.test(error.message),
    );
    assert.throws(() => parseSourceArgs(['--mode=generated', '--rate=-1']), /--rate/);
    assert.throws(() => parseSourceArgs(['--mode=file']), /--file: required/);
  });

  it('defaults to a live, paced generated stream on machine.temperature', () => {
    const options = parseSourceArgs(['--mode=generated']);
    assert.equal(options.topic, 'machine.temperature');
    assert.equal(options.rate, 100);
    assert.equal(options.startTime, undefined);
    assert.equal(options.count, undefined);
  });
});
