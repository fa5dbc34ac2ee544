import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Runs a TypeScript CLI of the repository to completion, its progress (stderr) shown as it comes;
 * resolves with what it printed on stdout, rejects naming it when it fails.
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  return stdout;
}
