import type { Logger } from 'pino';
import { type ModelStore, ModelStoreError } from '../model/model-store.ts';
import type { RegimeModel } from '../model/regime-model.ts';

export interface ModelSwap {
  readonly previous: RegimeModel | undefined;
  readonly next: RegimeModel;
}

/**
 * The model being served, replaced by a newer version of the store when {@link refresh} finds one.
 * Classifying is synchronous (one tfjs call), so a swap, which happens on the event loop between
 * callbacks, can never fall inside a batch: a batch uses the model it read at its start throughout.
 */
export class ModelHolder {
  readonly #store: ModelStore;
  readonly #logger: Logger;
  readonly #onSwap: (swap: ModelSwap) => void;
  #current: RegimeModel | undefined;
  /** A version that failed to load for good; not tried again until a newer one appears. */
  #broken: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<boolean> | undefined;

  constructor(store: ModelStore, deps: { logger: Logger; onSwap: (swap: ModelSwap) => void }) {
    this.#store = store;
    this.#logger = deps.logger.child({ modelDir: store.dir });
    this.#onSwap = deps.onSwap;
  }

  get current(): RegimeModel | undefined {
    return this.#current;
  }

  /** Loads the store's latest version if it is newer than the one served; true when it swapped. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Resolves once a model is served, checking the store every `intervalMs` until then. */
  async waitForModel(intervalMs: number, signal?: AbortSignal): Promise<RegimeModel> {
    let logged = false;
    for (;;) {
      await this.refresh();
      if (this.#current !== undefined) return this.#current;
      if (!logged) this.#logger.warn('no model in the store yet; waiting for one');
      logged = true;
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Checks the store every `intervalMs` (fs.watch misses renames on some filesystems). */
  watch(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops watching and releases the model's tensors. */
  async close(): Promise<void> {
    this.stop();
    await this.#refreshing;
    this.#current?.dispose();
    this.#current = undefined;
  }

  async #refresh(): Promise<boolean> {
    let latest: string | undefined;
    try {
      latest = await this.#store.latestVersion();
    } catch (error) {
      this.#logger.error({ err: error }, 'cannot list model versions');
      return false;
    }
    if (latest === undefined || latest === this.#broken) return false;
    const current = this.#current;
    if (current !== undefined && Number(latest) <= Number(current.version)) return false;
    let next: RegimeModel;
    try {
      next = await this.#store.load(latest);
    } catch (error) {
      const retriable = error instanceof ModelStoreError && error.retriable;
      if (!retriable) this.#broken = latest;
      this.#logger.error(
        { err: error, version: latest, retriable, serving: current?.version ?? null },
        'cannot load model version; keeping the one served',
      );
      return false;
    }
    this.#current = next;
    this.#onSwap({ previous: current, next });
    this.#logger.info(
      {
        version: next.version,
        previousVersion: current?.version ?? null,
        features: next.metadata.features,
        k: next.metadata.k,
      },
      current === undefined ? 'model loaded' : 'model swapped',
    );
    current?.dispose();
    return true;
  }
}
