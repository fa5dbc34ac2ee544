import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import { type Settings, VERSIONS } from '../settings.ts';

/** InfluxDB 1.8 built from the Go module proxy: no release download, no Rust (1.8 uses pure-Go Flux). */
export function influxdBinary(settings: Settings): string {
  return path.join(settings.cacheDir, `influxdb-${VERSIONS.influxdb}`, 'bin', 'influxd');
}

export async function ensureInfluxd(settings: Settings): Promise<string> {
  const binary = influxdBinary(settings);
  if (existsSync(binary)) {
    progress('influxd', `${VERSIONS.influxdb} cached`);
    return binary;
  }
  if (!(await commandSucceeds('go', ['version']))) {
    throw new PrerequisiteError(
      'go',
      'Go (go) not found, needed to build influxd: install Go 1.21+ and put it on PATH',
    );
  }
  const goDir = path.join(settings.cacheDir, 'go');
  const logFile = path.join(settings.cacheDir, 'logs', 'influxdb-build.log');
  const startedAt = performance.now();
  progress(
    'influxd',
    `building ${VERSIONS.influxdb} with go install, about 3 minutes the first time (log: ${logFile})`,
  );
  await runCommand('go', ['install', `github.com/influxdata/influxdb/cmd/influxd@v${VERSIONS.influxdb}`], {
    logFile,
    env: {
      ...process.env,
      GOPATH: goDir,
      GOMODCACHE: path.join(goDir, 'mod'),
      GOCACHE: path.join(goDir, 'build'),
      GOBIN: path.dirname(binary),
    },
  }).catch((error: unknown) => {
    throw new PrerequisiteError(`influxd ${VERSIONS.influxdb}`, 'could not build influxd with go install', {
      cause: error,
    });
  });
  progress('influxd', `built in ${elapsed(startedAt)}`);
  return binary;
}
