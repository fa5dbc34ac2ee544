import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ComponentStatus } from '../src/components/component.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cliPath = path.join(root, 'deploy', 'local', 'src', 'cli.ts');

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    cwd: root,
  });
  return stdout;
}

async function status(): Promise<ComponentStatus[]> {
  return JSON.parse(await cli('stack', 'status', '--json')) as ComponentStatus[];
}

describe('pnpm stack', () => {
  let startedHere = false;

  before(async () => {
    startedHere = !(await status()).every((component) => component.health === 'up');
    await cli('stack', 'up');
  });

  after(async () => {
    if (startedHere) await cli('stack', 'down');
  });

  test('status --json reports every component up with its address and pid after up', async () => {
    const components = await status();
    const names = components.map((component) => component.component.replace(/-\d+$/, ''));
    for (const expected of ['kafka', 'postgres', 'influxdb', 'prometheus'])
      assert.ok(names.includes(expected), expected);
    for (const component of components) {
      assert.equal(component.health, 'up', component.component);
      assert.match(component.address, /^127\.0\.0\.1:\d+$/);
      assert.ok(Number.isInteger(component.pid), `${component.component} pid`);
    }
  });

  test('up when up is idempotent: the same processes keep running', async () => {
    const pids = (list: ComponentStatus[]) => list.map((component) => [component.component, component.pid]);
    const first = await status();
    await cli('stack', 'up');
    await cli('stack', 'up');
    assert.deepEqual(pids(await status()), pids(first));
  });
});
