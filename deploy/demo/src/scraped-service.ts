import { registerScrapeTarget, type StackState } from '@tributary/local-stack';

/** Prometheus stops counting a target's scrapes at this bound: the demo goes on without them. */
const FINAL_SCRAPES_TIMEOUT_MS = 15_000;

/** How many times Prometheus has scraped `instance` of `job` in the last 15 minutes. */
async function scrapeCount(stack: StackState, job: string, instance: string): Promise<number> {
  const query = `count_over_time(up{job="${job}",instance="${instance}"}[15m])`;
  const response = await fetch(`${stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (!response.ok) return 0;
  const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value[1] ?? 0);
}

/**
 * A service of the demo as a Prometheus scrape target. The demo's services live seconds, so
 * `release` waits for two scrapes after their work (a rate needs two samples) before removing the
 * target: the pipeline-health section then has their counters to show.
 */
export async function scrapedWhileRunning(
  stack: StackState,
  job: string,
  address: string,
): Promise<{ release(): Promise<void> }> {
  const unregister = await registerScrapeTarget(job, address, { service: job });
  return {
    async release() {
      const before = await scrapeCount(stack, job, address);
      const deadline = Date.now() + FINAL_SCRAPES_TIMEOUT_MS;
      while (Date.now() < deadline && (await scrapeCount(stack, job, address)) < before + 2) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await unregister();
    },
  };
}
