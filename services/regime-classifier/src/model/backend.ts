import * as tf from '@tensorflow/tfjs';

/** The TensorFlow.js backends this service can run on, fastest first. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendPreference = BackendName | 'auto';

export type Tf = typeof tf;

export interface BackendChoice {
  /** Also the value of the `backend` label on the service's metrics. */
  readonly name: BackendName;
  readonly reason: string;
  /** Backends tried before this one, and why each was passed over. */
  readonly skipped: readonly { readonly name: BackendName; readonly error: string }[];
}

export interface BackendOptions {
  readonly prefer?: BackendPreference;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

const loaders: Record<BackendName, () => Promise<void>> = {
  async tensorflow() {
    // libtensorflow reads this when it loads: keep its informational banner (oneDNN, CPU flags) off stderr.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    // Registers the `tensorflow` backend on the same tfjs-core engine (one copy in the workspace).
    await import('@tensorflow/tfjs-node');
  },
  async wasm() {
    await import('@tensorflow/tfjs-backend-wasm');
  },
  async cpu() {},
};

let chosen: BackendChoice | undefined;

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/**
 * Loads and selects a backend: with `auto` (the default) tfjs-node where its addon loads, else the
 * WebAssembly backend, else plain JavaScript. A named backend is tried alone and failure throws. Later
 * calls return the first choice: a process runs on one backend.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  if (chosen !== undefined) return chosen;
  const prefer = options.prefer ?? 'auto';
  const candidates: readonly BackendName[] = prefer === 'auto' ? BACKENDS : [prefer];
  const skipped: { name: BackendName; error: string }[] = [];
  // Production mode: no per-op debug checks, and no console hints about installing tfjs-node.
  tf.enableProdMode();
  for (const name of candidates) {
    try {
      await loaders[name]();
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      const reason =
        prefer === 'auto'
          ? skipped.length === 0
            ? 'fastest available'
            : `fallback: ${skipped.map((skip) => `${skip.name} unavailable (${skip.error})`).join('; ')}`
          : 'requested';
      chosen = { name, reason, skipped };
      options.log?.(`tensorflow.js backend ${name}`, { backend: name, reason });
      return chosen;
    } catch (error) {
      skipped.push({ name, error: message(error) });
    }
  }
  throw new Error(
    `no TensorFlow.js backend could start: ${skipped.map((skip) => `${skip.name}: ${skip.error}`).join('; ')}`,
  );
}

/** The backend in use; throws before {@link initBackend}. */
export function backendName(): BackendName {
  if (chosen === undefined) throw new Error('initBackend() has not run');
  return chosen.name;
}

export { tf };
