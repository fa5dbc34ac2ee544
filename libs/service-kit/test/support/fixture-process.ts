import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/fixture-service.ts', import.meta.url));

export type LogLine = Record<string, unknown> & { readonly msg?: string };
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The fixture service as a child process, with its JSON log lines parsed as they arrive. */
export class FixtureProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<() => void>();
  #stderr = '';

  constructor(env: Record<string, string> = {}) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
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
      this.logs.push(JSON.parse(line) as LogLine);
      this.#notify();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.exited = once(this.#child, 'exit').then(([code, signal]) => {
      this.#notify();
      return { code, signal } as Exit;
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Resolves with the first log line from index `from` on that matches, rejecting if the process exits
   * without writing one.
   */
  waitForLog(matches: (line: LogLine) => boolean, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.logs.slice(from).find(matches);
        if (line !== undefined) {
          this.#waiters.delete(check);
          resolve(line);
        } else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          this.#waiters.delete(check);
          reject(new Error(`fixture exited before the expected log line; stderr:\n${this.#stderr}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits until the service is running and returns its HTTP and gRPC addresses. */
  async running(): Promise<{ http: string; grpc: string }> {
    const line = await this.waitForLog((log) => log.msg === 'service running');
    return { http: `http://127.0.0.1:${line.httpPort}`, grpc: `127.0.0.1:${line.grpcPort}` };
  }

  /** Sends a command on stdin and waits until the fixture has carried it out. */
  async command(name: string): Promise<void> {
    const from = this.logs.length;
    this.#child.stdin.write(`${name}\n`);
    await this.waitForLog((log) => log.command === name, from);
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Ends the process if a test left it running. */
  async dispose(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.exited;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
