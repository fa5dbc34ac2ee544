import type { PhaseMemory } from './report.ts';
import { mib, round } from './stats.ts';

const SAMPLE_MS = 100;

/**
 * CPU time and peak memory of this process over one phase. Memory is sampled every 100 ms and at
 * the end, so a peak shorter than that can be missed; the process-wide peak RSS (maxRSS) cannot.
 */
export class PhaseMeter {
  readonly #cpuAtStart = process.cpuUsage();
  readonly #timer: NodeJS.Timeout;
  #peakRss = 0;
  #peakHeap = 0;

  constructor() {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
    this.#timer.unref();
  }

  stop(): { cpuSeconds: number; memory: PhaseMemory } {
    clearInterval(this.#timer);
    this.#sample();
    const cpu = process.cpuUsage(this.#cpuAtStart);
    return {
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      memory: { peakRssMiB: mib(this.#peakRss), peakHeapUsedMiB: mib(this.#peakHeap) },
    };
  }

  #sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    if (rss > this.#peakRss) this.#peakRss = rss;
    if (heapUsed > this.#peakHeap) this.#peakHeap = heapUsed;
  }
}

/** The process's highest resident set so far, as the kernel keeps it. */
export function processPeakRssMiB(): number {
  return mib(process.resourceUsage().maxRSS * 1024);
}

/** Collects garbage between phases when the process runs with --expose-gc, so phases start level. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
