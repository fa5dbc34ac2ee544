import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';

/**
 * A pid file records the process start time beside the pid, so that a pid reused by an unrelated
 * process after a reboot or crash is never mistaken for ours (and never signalled by `down`).
 */
interface PidRecord {
  pid: number;
  startTime: string;
}

/** Start time (clock ticks since boot) of a live process; null when it is gone or a zombie. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  const record: PidRecord = { pid, startTime: processStartTime(pid) ?? '' };
  await writeFile(file, `${JSON.stringify(record)}\n`);
}

/** The pid in the file when that very process still runs; otherwise null. */
export async function readLivePid(file: string): Promise<number | null> {
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return null;
  }
  const startTime = processStartTime(record.pid);
  return startTime !== null && startTime === record.startTime ? record.pid : null;
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
