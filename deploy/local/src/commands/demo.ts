import { parseArgs } from 'node:util';
import { ensurePrerequisites } from '../prerequisites/index.ts';
import type { Settings } from '../settings.ts';
import { stackUp } from '../stack/stack.ts';

/** `demo`: the stack up, then the demo; the stack stays up afterwards for a look around. */
export async function demoCommand(settings: Settings, args: string[]): Promise<number> {
  parseArgs({ args, options: {} });
  await ensurePrerequisites(settings);
  const state = await stackUp(settings);
  const { runDemo } = await import('../demo.ts');
  await runDemo(state);
  return 0;
}
