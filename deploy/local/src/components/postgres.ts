import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { StackError } from '../errors.ts';
import { ManagedProcess } from '../process/managed-process.ts';
import { findFreePortBlock } from '../process/ports.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { loadSettings, type Settings, STACK_DATABASE, settingVariable, VERSIONS } from '../settings.ts';
import type { Component } from './component.ts';
import { ensureRunning, processStatus } from './ensure-running.ts';

const BIN = `/usr/lib/postgresql/${VERSIONS.postgresMajor}/bin`;

export function postgresUrl(settings: Settings, database = STACK_DATABASE): string {
  return `postgres://postgres@127.0.0.1:${settings.postgresPort}/${database}`;
}

/** uid and gid of the `postgres` account from /etc/passwd (created by the Debian package). */
async function postgresAccount(): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8'))
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new StackError(
      'PREREQUISITE_MISSING',
      'no `postgres` user: `apt-get install -y postgresql` creates it',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function answers(settings: Settings, database: string): Promise<boolean> {
  const client = new Client({
    connectionString: postgresUrl(settings, database),
    connectionTimeoutMillis: 1000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(settings: Settings): Promise<void> {
  const client = new Client({ connectionString: postgresUrl(settings, 'postgres') });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [STACK_DATABASE]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${STACK_DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL 15 from Debian's package, as its own cluster under .stack. PostgreSQL refuses to run
 * as root, so as root its folders belong to `postgres` and the server runs with that uid (set on
 * the spawn rather than through runuser, so that the pid file holds the postmaster itself).
 */
export function postgresComponent(settings: Settings): Component {
  const dir = path.join(settings.stackDir, 'postgres');
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const asRoot = process.getuid?.() === 0;

  async function prepare(): Promise<void> {
    await mkdir(socketDir, { recursive: true });
    if (asRoot) {
      const { uid, gid } = await postgresAccount();
      await Promise.all([chown(dir, uid, gid), chown(socketDir, uid, gid)]);
      if (!(await commandSucceeds('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]))) {
        throw new StackError(
          'PREREQUISITE_MISSING',
          `PostgreSQL runs as user postgres, which cannot reach ${dir}: make every parent folder searchable (chmod o+x) or clone the repository elsewhere`,
        );
      }
    }
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    // A half-made data folder (interrupted initdb) makes initdb refuse to run.
    await rm(dataDir, { recursive: true, force: true });
    const initdb = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'];
    const logFile = path.join(dir, 'initdb.log');
    if (asRoot)
      await runCommand('runuser', ['-u', 'postgres', '--', `${BIN}/initdb`, ...initdb], { logFile });
    else await runCommand(`${BIN}/initdb`, initdb, { logFile });
  }

  /** `user` matters only to start it; status and stop need just the pid file. */
  function proc(user?: { uid: number; gid: number }): ManagedProcess {
    return new ManagedProcess({
      name: 'postgres',
      command: `${BIN}/postgres`,
      args: [
        '-D',
        dataDir,
        '-p',
        String(settings.postgresPort),
        '-k',
        socketDir,
        '-c',
        'listen_addresses=127.0.0.1',
      ],
      dir,
      ...(user === undefined ? {} : { user }),
      // SIGINT is the fast shutdown: SIGTERM would wait for every client to disconnect.
      stopSignal: 'SIGINT',
      stopTimeoutMs: 20_000,
    });
  }

  const healthy = () => answers(settings, 'postgres');
  return {
    name: 'postgres',
    async up() {
      await ensureRunning(proc(asRoot ? await postgresAccount() : undefined), {
        healthy,
        port: settings.postgresPort,
        portSetting: settingVariable('postgresPort'),
        prepare,
        startTimeoutMs: 60_000,
      });
      await ensureDatabase(settings);
    },
    async status() {
      return [await processStatus(proc(), `127.0.0.1:${settings.postgresPort}`, healthy)];
    },
    async down() {
      await proc().stop();
    },
  };
}

/** A PostgreSQL a test runs, stops and starts again itself. */
export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  /** Starts it (made on first use, with the stack's database) and waits until it answers. */
  up(): Promise<void>;
  /** Fast shutdown (clients' sessions are ended mid-transaction); waits for the exit. */
  down(): Promise<void>;
}

/**
 * The stack's PostgreSQL component (same binaries, initdb flags, user and database) on the data
 * under `dir` and a free port: for tests that take a database down without touching the shared
 * one. Another call on the same `dir` serves the same data on another port.
 */
export async function privatePostgres(dir: string): Promise<PrivatePostgres> {
  const settings = { ...loadSettings(), stackDir: dir, postgresPort: await findFreePortBlock(1) };
  const component = postgresComponent(settings);
  return {
    url: postgresUrl(settings),
    port: settings.postgresPort,
    up: () => component.up(),
    down: () => component.down(),
  };
}
