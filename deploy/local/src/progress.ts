/**
 * Progress lines go to stderr so that stdout stays machine-readable (`stack status --json`).
 */
export function progress(scope: string, message: string): void {
  process.stderr.write(`[stack] ${scope}: ${message}\n`);
}

/** Seconds since `startedAt` (a `performance.now()` value), for "up in 4.2s" lines. */
export function elapsed(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)}s`;
}
