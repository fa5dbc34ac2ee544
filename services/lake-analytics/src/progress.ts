import type { ReadProgress } from './delta/read-rows.ts';

const MiB = 1024 * 1024;

/**
 * Progress lines for long reads (to stderr by default, so stdout stays for the report): at most one
 * a `intervalMs`, and always the last one.
 */
export function progressPrinter(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  intervalMs = 1000,
): (progress: ReadProgress) => void {
  let lastAt = 0;
  return (progress) => {
    const now = performance.now();
    const done = progress.filesDone === progress.filesTotal;
    if (!done && now - lastAt < intervalMs) return;
    lastAt = now;
    const percent =
      progress.bytesTotal > 0 ? Math.round((100 * progress.bytesDone) / progress.bytesTotal) : 100;
    write(
      `[lake-analytics] ${progress.filesDone}/${progress.filesTotal} files, ${(progress.bytesDone / MiB).toFixed(1)}/${(progress.bytesTotal / MiB).toFixed(1)} MiB (${percent} %), ${progress.rowsRead.toLocaleString('en-US')} rows`,
    );
  };
}
