import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePrerequisites } from '../prerequisites/index.ts';
import { runForwardingSignals } from '../process/run-forwarding-signals.ts';
import type { Settings } from '../settings.ts';
import { stackUp } from '../stack/stack.ts';

/**
 * `demo`: the stack up, then the demo (deploy/demo, its own package so that it may depend on every
 * service without a cycle back to this one). The stack stays up afterwards for a look around.
 */
export async function demoCommand(settings: Settings, args: string[]): Promise<number> {
  parseArgs({ args, options: {} });
  await ensurePrerequisites(settings, 'run');
  await stackUp(settings);
  return runForwardingSignals(
    process.execPath,
    ['--import', 'tsx', path.join(settings.repoRoot, 'deploy/demo/src/main.ts')],
    {
      cwd: settings.repoRoot,
    },
  );
}
