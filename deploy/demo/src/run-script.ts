import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Runs a TypeScript CLI of the repository to completion; resolves with what it printed on stdout,
 * rejects naming it when it fails. Its progress (stderr) is shown as it comes, or, when `quiet`,
 * kept and shown only if it fails.
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  options: { quiet?: boolean } = {},
): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', options.quiet ? 'pipe' : 'inherit'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} exited with ${code}${stderr ? `:\n${stderr.slice(-4000)}` : ''}`,
    );
  }
  return stdout;
}
