import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';

/** Pinned: the independent Delta reader the lake-writer's tests compare the table with. */
export const PYTHON_DELTALAKE = { deltalake: '1.6.6', pyarrow: '26.0.1' } as const;

function venvDir(settings: Settings): string {
  const { deltalake, pyarrow } = PYTHON_DELTALAKE;
  return path.join(settings.cacheDir, 'python', `deltalake-${deltalake}-pyarrow-${pyarrow}`);
}

/** The venv's interpreter that can `import deltalake`; exists once {@link ensurePythonDeltalake} succeeded. */
export function deltalakePythonBinary(settings: Settings): string {
  return path.join(venvDir(settings), 'bin', 'python');
}

/**
 * A Python venv with delta-rs's `deltalake` and `pyarrow` from PyPI. Optional for the stack: when it
 * cannot be built the stack still starts, and the lake-writer's reader tests fail naming this step.
 */
export async function ensurePythonDeltalake(settings: Settings): Promise<void> {
  const dir = venvDir(settings);
  const marker = path.join(dir, '.installed');
  if (existsSync(marker)) {
    progress('python-deltalake', `deltalake ${PYTHON_DELTALAKE.deltalake} cached`);
    return;
  }
  const logFile = path.join(settings.cacheDir, 'logs', 'python-deltalake-install.log');
  if (!(await commandSucceeds('python3', ['-m', 'venv', '--help']))) {
    progress(
      'python-deltalake',
      'skipped: python3 with the venv module not found (lake-writer reader tests need it)',
    );
    return;
  }
  const startedAt = performance.now();
  progress(
    'python-deltalake',
    `installing deltalake ${PYTHON_DELTALAKE.deltalake} and pyarrow ${PYTHON_DELTALAKE.pyarrow} from PyPI into ${dir} (log: ${logFile})`,
  );
  try {
    await runCommand('python3', ['-m', 'venv', dir], { logFile });
    const pip = path.join(dir, 'bin', 'pip');
    await runCommand(
      pip,
      [
        'install',
        '--disable-pip-version-check',
        '--only-binary=:all:',
        `deltalake==${PYTHON_DELTALAKE.deltalake}`,
        `pyarrow==${PYTHON_DELTALAKE.pyarrow}`,
      ],
      { logFile },
    );
    await runCommand(deltalakePythonBinary(settings), ['-c', 'import deltalake, pyarrow'], { logFile });
    await writeFile(marker, `${new Date().toISOString()}\n`);
    progress('python-deltalake', `ready in ${elapsed(startedAt)}`);
  } catch (error) {
    progress('python-deltalake', `not available: ${(error as Error).message} (log: ${logFile})`);
  }
}
