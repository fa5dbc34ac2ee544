import type { Logger } from './logger.ts';

/** Work to finish before exit, e.g. a consumer's "stop fetching, finish the batch, commit, disconnect". */
export type ShutdownHook = () => unknown;

/** Hooks that threw, and hooks still running or never started when the deadline passed. */
export interface ShutdownOutcome {
  readonly failed: readonly string[];
  readonly unfinished: readonly string[];
}

interface NamedHook {
  readonly name: string;
  readonly run: ShutdownHook;
}

export class ShutdownHooks {
  readonly #hooks: NamedHook[] = [];

  add(run: ShutdownHook, name: string): void {
    this.#hooks.push({ name, run });
  }

  /**
   * Runs the hooks one at a time, last registered first: what was built on top (a consumer feeding a
   * producer) comes down before what it stands on. A hook that throws is logged and the rest still run.
   */
  async run(deadlineMs: number, logger: Logger): Promise<ShutdownOutcome> {
    const pending = this.#hooks.toReversed();
    const failed: string[] = [];
    let expired = false;
    const runAll = async () => {
      for (let hook = pending[0]; hook !== undefined && !expired; hook = pending[0]) {
        try {
          await hook.run();
        } catch (error) {
          failed.push(hook.name);
          logger.error({ err: error, hook: hook.name }, 'shutdown hook failed');
        }
        pending.shift();
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        expired = true;
        resolve();
      }, deadlineMs);
    });
    await Promise.race([runAll(), deadline]);
    clearTimeout(timer);
    const unfinished = expired ? pending.map((hook) => hook.name) : [];
    if (expired) logger.error({ deadlineMs, unfinished }, 'shutdown deadline exceeded');
    return { failed, unfinished };
  }
}
