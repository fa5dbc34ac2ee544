import type { ServiceProcess } from './service-process.ts';

/** What one look at the service's output found: whether it is complete, and how far it got. */
export interface Progress<T> {
  readonly done: boolean;
  readonly value: T;
  /** For the error if it never completes, e.g. "4,000 of 4,977 rows in <table>". */
  readonly state: string;
}

/**
 * Looks every second until `probe` says done; fails as soon as `service` exits (it will not
 * complete then) or after `timeoutMs`, saying how far it got.
 */
export async function waitWhileRunning<T>(
  service: ServiceProcess,
  probe: () => Promise<Progress<T>>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await probe();
    if (progress.done) return progress.value;
    const exited = await Promise.race([
      service.exited,
      new Promise((resolve) => setTimeout(resolve, 1000, undefined)),
    ]);
    if (exited !== undefined)
      throw new Error(`${service.name} exited (${JSON.stringify(exited)}) with ${progress.state}`);
    if (Date.now() > deadline)
      throw new Error(`${service.name}: ${progress.state} after ${timeoutMs / 1000} s`);
  }
}
