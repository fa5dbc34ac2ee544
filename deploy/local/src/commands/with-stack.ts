import { ensurePrerequisites, type PrerequisiteScope } from '../prerequisites/index.ts';
import { progress } from '../progress.ts';
import type { Settings } from '../settings.ts';
import { stackDown, stackIsUp, stackUp } from '../stack/stack.ts';
import type { StackState } from '../stack/state.ts';

/** Runs `action` against the stack, bringing it down afterwards only when this call brought it up. */
export async function withStack<T>(
  settings: Settings,
  scope: PrerequisiteScope,
  action: (state: StackState) => Promise<T>,
): Promise<T> {
  await ensurePrerequisites(settings, scope);
  const wasUp = await stackIsUp(settings);
  if (!wasUp) progress('stack', 'not up: starting it now and stopping it afterwards');
  try {
    return await action(await stackUp(settings));
  } finally {
    if (!wasUp) await stackDown(settings);
  }
}
