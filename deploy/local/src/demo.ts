import type { StackState } from './index.ts';

/** Placeholder until the demo lands: shows where the running stack can be reached. */
export async function runDemo(state: StackState): Promise<void> {
  console.log(JSON.stringify(state, null, 2));
}
