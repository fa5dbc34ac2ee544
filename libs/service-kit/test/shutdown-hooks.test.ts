import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../src/logger.ts';
import { ShutdownHooks } from '../src/shutdown-hooks.ts';

const logger = createLogger({ service: 'test', instance: 'test', level: 'silent' });

test('hooks run one at a time, last registered first', async () => {
  const hooks = new ShutdownHooks();
  const ran: string[] = [];
  hooks.add(() => ran.push('producer'), 'producer');
  hooks.add(async () => {
    await Promise.resolve();
    ran.push('consumer');
  }, 'consumer');

  assert.deepEqual(await hooks.run(10_000, logger), { failed: [], unfinished: [] });
  assert.deepEqual(ran, ['consumer', 'producer']);
});

test('a hook that throws is reported and the rest still run', async () => {
  const hooks = new ShutdownHooks();
  const ran: string[] = [];
  hooks.add(() => ran.push('disconnect'), 'disconnect');
  hooks.add(() => {
    throw new Error('commit failed');
  }, 'commit');

  assert.deepEqual(await hooks.run(10_000, logger), { failed: ['commit'], unfinished: [] });
  assert.deepEqual(ran, ['disconnect']);
});

test('past the deadline the hung hook and those after it are reported unfinished, and none start', async () => {
  const hooks = new ShutdownHooks();
  let laterStarted = false;
  hooks.add(() => {
    laterStarted = true;
  }, 'later');
  hooks.add(() => new Promise(() => undefined), 'hung');

  assert.deepEqual(await hooks.run(20, logger), { failed: [], unfinished: ['hung', 'later'] });
  assert.equal(laterStarted, false);
});
