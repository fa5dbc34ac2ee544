import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';

export interface GoTool {
  /** Progress scope and error name, e.g. `helm`. */
  readonly name: string;
  readonly version: string;
  /** `module/path/cmd/x@vX.Y.Z` */
  readonly target: string;
  readonly ldflags?: string;
  /** Extra environment, e.g. GOFLAGS. */
  readonly env?: Readonly<Record<string, string>>;
  /** Shown in the progress line: how long the first build takes. */
  readonly expectedDuration: string;
}

/** `<cache>/<name>-<version>/bin/<name>`: one folder per version, so an upgrade never reuses an old binary. */
export function goToolBinary(settings: Settings, tool: Pick<GoTool, 'name' | 'version'>): string {
  return path.join(settings.cacheDir, `${tool.name}-${tool.version}`, 'bin', tool.name);
}

/**
 * Builds a Go command from the module proxy into the cache (shared GOPATH with the other Go builds),
 * unless it is there already. go install writes the binary only when the build succeeded.
 */
export async function ensureGoTool(settings: Settings, tool: GoTool): Promise<string> {
  const binary = goToolBinary(settings, tool);
  if (existsSync(binary)) {
    progress(tool.name, `${tool.version} cached`);
    return binary;
  }
  if (!(await commandSucceeds('go', ['version']))) {
    throw new PrerequisiteError(
      'go',
      `Go (go) not found, needed to build ${tool.name}: install Go 1.24+ and put it on PATH`,
    );
  }
  const goDir = path.join(settings.cacheDir, 'go');
  const logFile = path.join(settings.cacheDir, 'logs', `${tool.name}-build.log`);
  const startedAt = performance.now();
  progress(
    tool.name,
    `building ${tool.version} with go install, ${tool.expectedDuration} the first time (log: ${logFile})`,
  );
  const args = ['install', ...(tool.ldflags === undefined ? [] : ['-ldflags', tool.ldflags]), tool.target];
  await runCommand('go', args, {
    logFile,
    env: {
      ...process.env,
      CGO_ENABLED: '0',
      GOPATH: goDir,
      GOMODCACHE: path.join(goDir, 'mod'),
      GOCACHE: path.join(goDir, 'build'),
      GOBIN: path.dirname(binary),
      ...tool.env,
    },
  }).catch((error: unknown) => {
    throw new PrerequisiteError(
      `${tool.name} ${tool.version}`,
      `could not build ${tool.name} with go install`,
      {
        cause: error,
      },
    );
  });
  progress(tool.name, `built in ${elapsed(startedAt)}`);
  return binary;
}
