import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { CommandFailedError } from '../errors.ts';
import { logTail } from './log-tail.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output is appended here rather than printed: installers are noisy and only matter on failure. */
  logFile: string;
}

/** Runs a one-shot command to completion; throws CommandFailedError quoting the end of its output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<void> {
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = await open(options.logFile, 'a');
  const display = [command, ...args].join(' ');
  try {
    await log.write(`\n--- ${new Date().toISOString()} ${display}\n`);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', log.fd, log.fd],
      });
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (exitCode !== 0) {
      throw new CommandFailedError(display, exitCode, options.logFile, await logTail(options.logFile));
    }
  } catch (error) {
    if (error instanceof CommandFailedError) throw error;
    throw new CommandFailedError(display, null, options.logFile, `    ${String(error)}`);
  } finally {
    await log.close();
  }
}

/** Whether a quick probe command exits 0 (missing binaries count as "no"). */
export function commandSucceeds(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}
