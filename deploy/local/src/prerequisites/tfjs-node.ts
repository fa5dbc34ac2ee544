import path from 'node:path';
import { runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';

/**
 * The TensorFlow native backend for the regime-classifier, built by the service's own script
 * (libtensorflow from Maven Central, headers from PyPI). Optional: when it fails the classifier
 * runs on the wasm backend, so a failure is reported and the stack goes on.
 */
export async function ensureTfjsNode(settings: Settings): Promise<void> {
  const script = path.join(settings.repoRoot, 'services/regime-classifier/scripts/install-tfjs-node.mjs');
  const logFile = path.join(settings.cacheDir, 'logs', 'tfjs-node-install.log');
  const startedAt = performance.now();
  try {
    await runCommand(process.execPath, [script], {
      logFile,
      env: { ...process.env, TRIBUTARY_CACHE: settings.cacheDir },
    });
    progress('tfjs-node', `native TensorFlow backend ready (${elapsed(startedAt)})`);
  } catch (error) {
    progress(
      'tfjs-node',
      `not available, the classifier will use the wasm backend (${(error as Error).message}; log: ${logFile})`,
    );
  }
}
