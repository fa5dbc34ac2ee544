import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { runForwardingSignals } from '../process/run-forwarding-signals.ts';
import { progress } from '../progress.ts';
import type { Settings } from '../settings.ts';
import { discoverTestFiles } from './test-files.ts';
import { withStack } from './with-stack.ts';

/** The whole suite starts with what needs no stack: one type-check of every package, then lint. */
async function staticChecks(settings: Settings): Promise<number> {
  const bin = (name: string) => path.join(settings.repoRoot, 'node_modules', '.bin', name);
  for (const [label, command, args] of [
    ['type-check', bin('tsc'), ['-p', 'tsconfig.json']],
    ['lint', bin('biome'), ['check', '.']],
  ] as const) {
    progress('test', `${label}…`);
    const code = await runForwardingSignals(command, args, { cwd: settings.repoRoot });
    if (code !== 0) {
      progress('test', `${label} failed (exit ${code}); not running the tests`);
      return code;
    }
  }
  return 0;
}

async function testFiles(settings: Settings, given: string[]): Promise<string[]> {
  if (given.length === 0) {
    const found = await discoverTestFiles(settings.repoRoot);
    if (found.length === 0) {
      throw new UsageError(
        'no *.test.ts files under libs/*/test, services/*/test, deploy/local/test or test/',
      );
    }
    return found;
  }
  return given.map((file) => {
    const absolute = path.resolve(settings.invocationDir, file);
    if (!existsSync(absolute)) throw new UsageError(`test file not found: ${absolute}`);
    return path.relative(settings.repoRoot, absolute);
  });
}

/**
 * `test [files…]`: node's test runner against the local stack. Its output passes through untouched,
 * because CI reads the runner's closing summary lines.
 */
export async function testCommand(settings: Settings, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const files = await testFiles(settings, positionals);
  if (positionals.length === 0) {
    const checked = await staticChecks(settings);
    if (checked !== 0) return checked;
  }
  const runnerArgs = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${settings.testConcurrency}`,
    `--test-timeout=${settings.testTimeoutMs}`,
    // A client left open by a finished test must not keep CI waiting until its time runs out.
    '--test-force-exit',
    ...files,
  ];
  return withStack(settings, 'test', () =>
    runForwardingSignals(process.execPath, runnerArgs, { cwd: settings.repoRoot }),
  );
}
