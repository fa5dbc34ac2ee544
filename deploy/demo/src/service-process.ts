import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown> & { readonly msg?: string };
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A Tributary service run as a real process under tsx, as Kubernetes would run its image: its
 * JSON log lines are parsed as they arrive, so callers can wait for "service running" and read
 * the ports it bound.
 */
export class ServiceProcess {
  readonly name: string;
  readonly logs: LogLine[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<() => void>();

  constructor(
    name: string,
    script: string,
    env: Record<string, string>,
    options: { echoStderr?: boolean } = {},
  ) {
    this.name = name;
    this.#child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        TRIBUTARY_HTTP_HOST: '127.0.0.1',
        TRIBUTARY_HTTP_PORT: '0',
        TRIBUTARY_GRPC_HOST: '127.0.0.1',
        TRIBUTARY_GRPC_PORT: '0',
        ...env,
      },
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
      for (const waiter of this.#waiters) waiter();
    });
    if (options.echoStderr ?? true) this.#child.stderr.pipe(process.stderr);
    else this.#child.stderr.resume();
    this.exited = once(this.#child, 'exit').then(([code, signal]) => {
      for (const waiter of this.#waiters) waiter();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** SIGTERM, then the exit: the service finishes and commits its batch in flight. */
  async stop(): Promise<Exit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    return this.exited;
  }

  /** The first log line from index `from` on that matches; rejects if the process exits first. */
  waitForLog(matches: (line: LogLine) => boolean, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.logs.slice(from).findIndex(matches);
        if (index >= 0) {
          this.#waiters.delete(check);
          resolve(this.logs[from + index] as LogLine);
        } else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          this.#waiters.delete(check);
          reject(new Error(`${this.name} exited before the awaited log line`));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for the kit's "service running" line and returns the HTTP and gRPC ports it bound. */
  async running(): Promise<{ httpPort: number; grpcPort: number }> {
    const line = await this.waitForLog((entry) => entry.msg === 'service running');
    return { httpPort: Number(line.httpPort), grpcPort: Number(line.grpcPort) };
  }
}
