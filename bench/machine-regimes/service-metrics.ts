import { readFile } from 'node:fs/promises';

/** Sum of every series of one Prometheus metric on a service's /metrics page (0 when absent). */
export async function scrape(httpPort: number, metric: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** Peak resident set size of a process (VmHWM of /proc/<pid>/status) in MiB; null when gone. */
export async function peakRssMiB(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = status.match(/^VmHWM:\s+(\d+) kB/m)?.[1];
  return kib === undefined ? null : Math.round(Number(kib) / 102.4) / 10;
}

/** Polls `probe` every `everyMs` until it is true; the time (ms, performance clock) it first was. */
export async function until(
  what: string,
  probe: () => Promise<boolean>,
  options: { everyMs: number; timeoutMs: number },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    if (await probe()) return performance.now();
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
  }
}
