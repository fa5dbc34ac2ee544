import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import { type Settings, VERSIONS } from '../settings.ts';

/** Debian packages the stack and the tests use, each with the binary that proves it is installed. */
export const APT_PACKAGES = [
  { name: 'postgresql', binary: `/usr/lib/postgresql/${VERSIONS.postgresMajor}/bin/postgres` },
  { name: 'prometheus', binary: '/usr/bin/prometheus' },
  { name: 'chromium', binary: '/usr/bin/chromium' },
  { name: 'etcd-server', binary: '/usr/bin/etcd' },
] as const;

export async function ensureAptPackages(settings: Settings): Promise<void> {
  const missing = APT_PACKAGES.filter((pkg) => !existsSync(pkg.binary));
  if (missing.length === 0) {
    progress('debian packages', 'present');
    return;
  }
  const names = missing.map((pkg) => pkg.name);
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError(
      names.join(' '),
      `Debian packages missing (${names.join(', ')}) and installing them needs root: run \`sudo apt-get install -y ${names.join(' ')}\``,
    );
  }
  const logFile = path.join(settings.cacheDir, 'logs', 'apt.log');
  const startedAt = performance.now();
  progress('debian packages', `installing ${names.join(' ')} (log: ${logFile})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runCommand('apt-get', ['update'], { env, logFile });
    await runCommand('apt-get', ['install', '-y', ...names], { env, logFile });
  } catch (error) {
    throw new PrerequisiteError(names.join(' '), `could not install ${names.join(', ')} with apt-get`, {
      cause: error,
    });
  }
  const stillMissing = missing.filter((pkg) => !existsSync(pkg.binary));
  if (stillMissing.length > 0) {
    const first = stillMissing[0] as (typeof APT_PACKAGES)[number];
    throw new PrerequisiteError(
      first.name,
      `apt-get installed ${first.name} but ${first.binary} is absent (another version?); see ${logFile}`,
    );
  }
  progress('debian packages', `installed in ${elapsed(startedAt)}`);
}
