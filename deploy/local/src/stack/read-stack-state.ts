import { StackNotRunningError } from '../errors.ts';
import { loadSettings } from '../settings.ts';
import { stackStatus } from './stack.ts';
import { readStackStateFile, type StackState } from './state.ts';

/** The running stack's addresses; throws StackNotRunningError (saying to run `pnpm stack up`) otherwise. */
export async function readStackState(): Promise<StackState> {
  const settings = loadSettings();
  const state = await readStackStateFile(settings);
  if (state === null) throw new StackNotRunningError(`no ${settings.stackDir}/state.json`);
  const stopped = (await stackStatus(settings)).filter((status) => status.health === 'down');
  if (stopped.length > 0) {
    throw new StackNotRunningError(`${stopped.map((status) => status.component).join(', ')} not running`);
  }
  return state;
}
