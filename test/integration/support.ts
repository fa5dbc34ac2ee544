import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export type LogLine = Record<string, unknown> & { readonly msg?: string };

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

/** A fixture service run as a real process under tsx; its JSON log lines are parsed as they arrive. */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<() => void>();

  constructor(fixture: string, env: Record<string, string>) {
    const script = fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url));
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
      this.logs.push(JSON.parse(line) as LogLine);
      for (const waiter of this.#waiters) waiter();
    });
    this.#child.stderr.pipe(process.stderr);
    this.exited = once(this.#child, 'exit').then(([code, signal]) => {
      for (const waiter of this.#waiters) waiter();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
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
          reject(new Error('the service exited before the awaited log line'));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }
}

/** grpc.health.v1.Health/Check for the overall status ("") or a named service. */
export function grpcHealth(address: string, service = ''): Promise<string> {
  const check = healthService.Check;
  if (check === undefined) throw new Error('grpc-health-check has no Check method');
  const client = new Client(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      (error: ServiceError | null, response?: unknown) => {
        if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
        else resolve((response as { status: string }).status);
      },
    );
  }).finally(() => client.close());
}

/** Reads one sample of a Prometheus text exposition, matching every given label. */
export function sample(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
