#!/usr/bin/env node
// Entry point of `pnpm demo|test|stack|bench`. Node built-ins only: it must work on a fresh clone of a
// fresh machine, where neither pnpm nor node_modules exist yet. It makes sure of both, then hands off to
// the TypeScript CLI (deploy/local/src/cli.ts).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const MIN_NODE = [20, 10];
const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cache = path.resolve(process.env.TRIBUTARY_CACHE || path.join(homedir(), '.cache', 'tributary'));
const pnpmPrefix = path.join(cache, 'pnpm');
const pnpmBinDir = path.join(pnpmPrefix, 'node_modules', '.bin');
const stampFile = path.join(root, 'node_modules', '.tributary-install-stamp');
const lockfile = path.join(root, 'pnpm-lock.yaml');

function progress(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[bootstrap] error: ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    fail(`Node ${process.versions.node} is too old: Tributary needs Node ${MIN_NODE.join('.')} or newer`);
  }
}

function installedPnpmVersion() {
  try {
    return JSON.parse(readFileSync(path.join(pnpmPrefix, 'node_modules', 'pnpm', 'package.json'), 'utf8'))
      .version;
  } catch {
    return null;
  }
}

function ensurePnpm() {
  if (installedPnpmVersion() === PNPM_VERSION) return;
  progress(`installing pnpm ${PNPM_VERSION} into ${pnpmPrefix}`);
  const started = performance.now();
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', pnpmPrefix, '--no-audit', '--no-fund', `pnpm@${PNPM_VERSION}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (npm.error || npm.status !== 0) {
    process.stderr.write(`${npm.stdout ?? ''}${npm.stderr ?? ''}`);
    fail(
      `could not install pnpm ${PNPM_VERSION} with npm (${npm.error?.message ?? `exit ${npm.status}`}); is npm on PATH and the npm registry reachable?`,
    );
  }
  progress(`pnpm ${PNPM_VERSION} installed in ${seconds(started)}`);
}

function lockfileHash() {
  if (!existsSync(lockfile))
    fail(`${lockfile} is missing: restore it from git (pnpm install --frozen-lockfile needs it)`);
  return createHash('sha256').update(readFileSync(lockfile)).digest('hex');
}

/** Installs dependencies when node_modules is missing or the lockfile changed since the last install. */
function ensureDependencies(env) {
  const hash = lockfileHash();
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;
  if (stamp === hash) return;
  progress(
    stamp === null
      ? 'installing dependencies (pnpm install --frozen-lockfile)'
      : 'pnpm-lock.yaml changed: reinstalling dependencies',
  );
  const started = performance.now();
  const pnpm = spawnSync(path.join(pnpmBinDir, 'pnpm'), ['install', '--frozen-lockfile'], {
    cwd: root,
    env,
    // pnpm's progress goes to stderr: stdout belongs to the command (`bench` prints JSON there).
    stdio: ['ignore', 2, 2],
  });
  if (pnpm.error || pnpm.status !== 0) {
    fail(
      `pnpm install --frozen-lockfile failed (${pnpm.error?.message ?? `exit ${pnpm.status}`}): see pnpm's message above. ` +
        'An outdated lockfile needs `pnpm install` and a commit of pnpm-lock.yaml; ignored build scripts need an allowBuilds entry in pnpm-workspace.yaml',
    );
  }
  writeFileSync(stampFile, `${hash}\n`);
  progress(`dependencies installed in ${seconds(started)}`);
}

function seconds(started) {
  return `${((performance.now() - started) / 1000).toFixed(1)}s`;
}

/** Runs the CLI with our stdio; its exit code (or signal) becomes ours. */
function handOff(env) {
  const cli = path.join('deploy', 'local', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...process.argv.slice(2)], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (error) => fail(`could not start the CLI: ${error.message}`));
  child.on('exit', (code, signal) => {
    for (const name of signals) process.off(name, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

checkNode();
const env = {
  ...process.env,
  TRIBUTARY_CACHE: cache,
  // Relative file arguments (`pnpm test path/to/x.test.ts`) are resolved from where the user stood.
  INIT_CWD: process.env.INIT_CWD || process.cwd(),
  PATH: `${pnpmBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
};
ensurePnpm();
ensureDependencies(env);
handOff(env);
