import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KubeControlPlane, startKubeControlPlane } from '../src/index.ts';

interface Kubeconfig {
  clusters: { cluster: { 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

/** A raw call with the admin kubeconfig's certificates: what every Kubernetes client does underneath. */
async function kubeApi(
  controlPlane: KubeControlPlane,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const config = JSON.parse(await readFile(controlPlane.kubeconfigPath, 'utf8')) as Kubeconfig;
  const decode = (data: string | undefined) => Buffer.from(data ?? '', 'base64');
  return new Promise((resolve, reject) => {
    const call = request(
      new URL(apiPath, controlPlane.server),
      {
        method,
        ca: decode(config.clusters[0]?.cluster['certificate-authority-data']),
        cert: decode(config.users[0]?.user['client-certificate-data']),
        key: decode(config.users[0]?.user['client-key-data']),
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    call.once('error', reject);
    call.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a real Kubernetes control plane on loopback (etcd, apiserver, controller-manager, scheduler; no nodes)', () => {
  let dir: string;
  let controlPlane: KubeControlPlane;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-kube-test-'));
    controlPlane = await startKubeControlPlane({ dir });
  });

  after(async () => {
    await controlPlane?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('serves the Kubernetes API of the version it was built as, to the admin kubeconfig', async () => {
    const version = await kubeApi(controlPlane, 'GET', '/version');
    assert.equal(version.status, 200);
    assert.equal(version.body.gitVersion, 'v1.34.4');
    const namespaces = await kubeApi(controlPlane, 'GET', '/api/v1/namespaces');
    const names = (namespaces.body.items as { metadata: { name: string } }[]).map(
      (item) => item.metadata.name,
    );
    assert.ok(names.includes('default') && names.includes('kube-system'), names.join(', '));
  });

  test('enforces Pod Security Admission: a privileged pod in a restricted namespace is refused with the reasons', async () => {
    const namespace = 'restricted-test';
    const created = await kubeApi(controlPlane, 'POST', '/api/v1/namespaces', {
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    assert.equal(created.status, 201);
    const refused = await kubeApi(controlPlane, 'POST', `/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: 'privileged' },
      spec: { containers: [{ name: 'app', image: 'busybox', securityContext: { privileged: true } }] },
    });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body.message), /violates PodSecurity "restricted:latest": privileged/);
  });

  test('stop ends every program of the control plane', async () => {
    const pids = await Promise.all(
      Object.values(controlPlane.logFiles).map(
        async (log) =>
          (JSON.parse(await readFile(path.join(path.dirname(log), 'pid'), 'utf8')) as { pid: number }).pid,
      ),
    );
    assert.equal(pids.length, 4);
    assert.ok(pids.every(alive));
    await controlPlane.stop();
    assert.deepEqual(pids.filter(alive), []);
  });
});
