import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { readStackState } from './read-stack-state.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Makes the stack's Prometheus scrape `address` (host:port, path /metrics) as job `job`, through a
 * file_sd file it re-reads every 2 s. Resolves to a function that removes the target again.
 */
export async function registerScrapeTarget(
  job: string,
  address: string,
  labels: Record<string, string> = {},
): Promise<() => Promise<void>> {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name)) {
      throw new UsageError(
        `scrape label ${JSON.stringify(name)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`,
      );
    }
  }
  const { prometheus } = await readStackState();
  const file = path.join(
    prometheus.targetsDir,
    `${job}-${address.replace(/[^\w.-]/g, '_')}-${randomUUID()}.json`,
  );
  // Written aside and renamed so that Prometheus never reads half a file; its glob skips *.tmp.
  await writeFile(`${file}.tmp`, JSON.stringify([{ targets: [address], labels: { ...labels, job } }]));
  await rename(`${file}.tmp`, file);
  return () => rm(file, { force: true });
}
