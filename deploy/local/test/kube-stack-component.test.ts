import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubeComponent, kubeInStack, kubeStackDir } from '../src/components/kube.ts';
import { loadSettings, type Settings } from '../src/settings.ts';

describe('the control plane as an optional stack component (`stack up --kube`), in a throw-away stack folder', () => {
  let settings: Settings;

  before(async () => {
    settings = { ...loadSettings(), stackDir: await mkdtemp(path.join(tmpdir(), 'tributary-kube-stack-')) };
  });

  after(async () => {
    await kubeComponent(settings).down();
    await rm(settings.stackDir, { recursive: true, force: true });
  });

  test('up starts all four programs, a second up leaves them running, down stops them and leaves the stack', async () => {
    const component = kubeComponent(settings);
    assert.equal(kubeInStack(settings), false);
    assert.deepEqual(await component.status(), []);

    await component.up();
    const first = await component.status();
    assert.deepEqual(
      first.map((status) => [status.component, status.health]),
      [
        ['etcd', 'up'],
        ['kube-apiserver', 'up'],
        ['kube-controller-manager', 'up'],
        ['kube-scheduler', 'up'],
      ],
    );
    assert.equal(kubeInStack(settings), true);
    assert.ok(existsSync(path.join(kubeStackDir(settings), 'admin.kubeconfig')));

    await component.up();
    assert.deepEqual(
      (await component.status()).map((status) => status.pid),
      first.map((status) => status.pid),
    );

    await component.down();
    assert.equal(kubeInStack(settings), false);
    assert.deepEqual(await component.status(), []);
    for (const { pid } of first) {
      assert.throws(() => process.kill(pid ?? 0, 0), `pid ${pid} still runs`);
    }
  });
});
