import type { ManagedProcess } from '../process/managed-process.ts';
import { assertPortsFree } from '../process/ports.ts';
import { elapsed, progress } from '../progress.ts';
import type { ComponentStatus } from './component.ts';

export interface EnsureRunningOptions {
  healthy: () => Promise<boolean>;
  port: number;
  /** The variable that moves the port, named when it is taken. */
  portSetting: string;
  /** Renders configuration and initialises storage; runs only when a start is needed. */
  prepare: () => Promise<void>;
  startTimeoutMs: number;
}

/** The single-process component life cycle: leave it when it runs, otherwise prepare, start, wait. */
export async function ensureRunning(proc: ManagedProcess, options: EnsureRunningOptions): Promise<void> {
  const running = await proc.pid();
  if (running !== null) {
    // Possibly still starting (another `up` just launched it): give it the start-up time.
    await proc.waitUntilHealthy(running, options.healthy, options.startTimeoutMs);
    progress(proc.name, `already up (pid ${running})`);
    return;
  }
  const startedAt = performance.now();
  await assertPortsFree([options.port], options.portSetting);
  await options.prepare();
  const pid = await proc.start();
  await proc.waitUntilHealthy(pid, options.healthy, options.startTimeoutMs);
  progress(proc.name, `up in ${elapsed(startedAt)} (pid ${pid})`);
}

export async function processStatus(
  proc: ManagedProcess,
  address: string,
  healthy: () => Promise<boolean>,
): Promise<ComponentStatus> {
  const pid = await proc.pid();
  const health = pid === null ? 'down' : (await healthy()) ? 'up' : 'unhealthy';
  return { component: proc.name, address, pid, health };
}
