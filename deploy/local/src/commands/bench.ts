import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { runForwardingSignals } from '../process/run-forwarding-signals.ts';
import type { Settings } from '../settings.ts';
import { withStack } from './with-stack.ts';

async function availableBenches(dir: string): Promise<string> {
  const names = existsSync(dir) ? (await readdir(dir)).filter((name) => name.endsWith('.ts')) : [];
  return names.length === 0 ? 'none yet' : names.map((name) => name.slice(0, -'.ts'.length)).join(', ');
}

/** `bench <name> [args…]`: runs bench/<name>.ts from the repository root; the arguments pass through. */
export async function benchCommand(settings: Settings, args: string[]): Promise<number> {
  const [name, ...benchArgs] = args;
  const dir = path.join(settings.repoRoot, 'bench');
  if (name === undefined || name.startsWith('-')) {
    throw new UsageError(`bench <name>: name one of ${await availableBenches(dir)}`);
  }
  const file = path.join(dir, `${name}.ts`);
  if (!existsSync(file)) {
    throw new UsageError(`no bench ${file}; available: ${await availableBenches(dir)}`);
  }
  return withStack(settings, 'run', () =>
    runForwardingSignals(process.execPath, ['--import', 'tsx', file, ...benchArgs], {
      cwd: settings.repoRoot,
    }),
  );
}
