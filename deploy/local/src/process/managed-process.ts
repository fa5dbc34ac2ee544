import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentStartError } from '../errors.ts';
import { logTail } from './log-tail.ts';
import { processStartTime, readLivePid, removePidFile, writePidFile } from './pid-file.ts';

export interface ProcessSpec {
  /** Component name used in messages, e.g. `postgres` or `kafka-2`. */
  name: string;
  command: string;
  args: readonly string[];
  /** Holds `pid` and `log`. */
  dir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** The signal for a clean stop: SIGINT is PostgreSQL's fast shutdown, SIGTERM the rest. */
  stopSignal: NodeJS.Signals;
  /** After this the whole process group gets SIGKILL. */
  stopTimeoutMs: number;
}

const POLL_MS = 200;

/** Signals a pid (or a group, when negative); a target that has just exited is not an error. */
function trySignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group led by `pgid` exists. */
function groupAlive(pgid: number): boolean {
  return trySignal(-pgid, 0);
}

/**
 * A long-running process that outlives the command that started it: its own process group
 * (so `down` can reach every child), output appended to `<dir>/log`, identity in `<dir>/pid`.
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #pidFile: string;
  readonly #spec: ProcessSpec;

  constructor(spec: ProcessSpec) {
    this.#spec = spec;
    this.name = spec.name;
    this.logFile = path.join(spec.dir, 'log');
    this.#pidFile = path.join(spec.dir, 'pid');
  }

  /** The pid while this component's process runs, else null. */
  pid(): Promise<number | null> {
    return readLivePid(this.#pidFile);
  }

  async start(): Promise<number> {
    const spec = this.#spec;
    await mkdir(spec.dir, { recursive: true });
    const log = await open(this.logFile, 'a');
    try {
      await log.write(
        `\n--- ${new Date().toISOString()} starting ${[spec.command, ...spec.args].join(' ')}\n`,
      );
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        ...(spec.user ?? {}),
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      const pid = child.pid as number;
      await writePidFile(this.#pidFile, pid);
      return pid;
    } catch (error) {
      throw new ComponentStartError(spec.name, `could not be started (${String(error)})`, this.logFile, '');
    } finally {
      await log.close();
    }
  }

  /** Polls `healthy` until it holds; fails early, quoting the log, when the process exits. */
  async waitUntilHealthy(pid: number, healthy: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const startTime = processStartTime(pid);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (startTime === null || processStartTime(pid) !== startTime) {
        throw new ComponentStartError(
          this.name,
          'exited during start-up',
          this.logFile,
          await logTail(this.logFile),
        );
      }
      if (await healthy()) return;
      if (performance.now() > deadline) {
        throw new ComponentStartError(
          this.name,
          `was not healthy within ${timeoutMs / 1000}s`,
          this.logFile,
          await logTail(this.logFile),
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Sends `signal` to the leader; unless it only pauses or resumes, waits for the group to be gone. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const pid = await this.pid();
    if (pid === null) return;
    trySignal(pid, signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGTSTP') return;
    await this.#waitForGroupExit(pid);
  }

  /** Clean stop, then SIGKILL for the whole group after the deadline; a stopped process is fine. */
  async stop(): Promise<void> {
    const pid = await this.pid();
    if (pid !== null) {
      // A paused process cannot handle the stop signal.
      trySignal(-pid, 'SIGCONT');
      trySignal(pid, this.#spec.stopSignal);
      await this.#waitForGroupExit(pid);
    }
    await removePidFile(this.#pidFile);
  }

  async #waitForGroupExit(pgid: number): Promise<void> {
    const deadline = performance.now() + this.#spec.stopTimeoutMs;
    while (groupAlive(pgid) && performance.now() < deadline) await sleep(POLL_MS);
    if (!groupAlive(pgid)) return;
    trySignal(-pgid, 'SIGKILL');
    while (groupAlive(pgid)) await sleep(POLL_MS / 4);
  }
}
