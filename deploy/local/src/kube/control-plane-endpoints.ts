import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ComponentStatus } from '../components/component.ts';
import { ManagedProcess } from '../process/managed-process.ts';
import { programAnswers } from './program-health.ts';

/** What a started control plane left in its folder, so that another command can check or stop it. */
export interface ControlPlaneEndpoints {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly caFile: string;
  /** Program name → its health URL, in start order. */
  readonly health: Readonly<Record<string, string>>;
}

const FILE = 'endpoints.json';

export async function writeEndpoints(dir: string, endpoints: ControlPlaneEndpoints): Promise<void> {
  await writeFile(path.join(dir, FILE), `${JSON.stringify(endpoints, null, 2)}\n`);
}

export async function removeEndpoints(dir: string): Promise<void> {
  await rm(path.join(dir, FILE), { force: true });
}

/** Whether a control plane was started in `dir` and not stopped since. */
export function hasControlPlane(dir: string): boolean {
  return existsSync(path.join(dir, FILE));
}

export async function readEndpoints(dir: string): Promise<ControlPlaneEndpoints | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as ControlPlaneEndpoints;
  } catch {
    return null;
  }
}

/** The program's process as its pid file in `<dir>/<name>` records it (enough to check and stop it). */
function recorded(dir: string, name: string): ManagedProcess {
  return new ManagedProcess({
    name,
    command: name,
    args: [],
    dir: path.join(dir, name),
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 15_000,
  });
}

export async function controlPlaneStatus(dir: string): Promise<ComponentStatus[]> {
  const endpoints = await readEndpoints(dir);
  if (!endpoints) return [];
  const ca = await readFile(endpoints.caFile).catch(() => Buffer.alloc(0));
  return Promise.all(
    Object.entries(endpoints.health).map(async ([name, url]) => {
      const pid = await recorded(dir, name).pid();
      const health = pid === null ? 'down' : (await programAnswers(url, ca)) ? 'up' : 'unhealthy';
      return { component: name, address: new URL(url).host, pid, health } satisfies ComponentStatus;
    }),
  );
}

/** Stops what the pid files in `dir` name, controllers first and etcd last; nothing running is fine. */
export async function stopControlPlane(dir: string): Promise<void> {
  for (const name of [...PROGRAMS].reverse()) await recorded(dir, name).stop();
  await removeEndpoints(dir);
}

/** In start order; also the folder names under the control plane's directory. */
export const PROGRAMS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
