import type { PendingPoint, RefusedPoints } from './influx-writer.ts';

interface Waiting {
  readonly points: readonly PendingPoint[];
  resolve(refused: RefusedPoints): void;
  reject(error: unknown): void;
}

/**
 * Coalesces the per-partition batches that kafkajs hands to concurrent handlers into shared
 * InfluxDB writes: a write goes out once `maxPoints` are waiting or `lingerMs` after the first.
 * Each caller's promise settles with its own part of the outcome, so its offsets are committed
 * only once its points are written.
 */
export class PointBatcher {
  readonly #write: (points: readonly PendingPoint[]) => Promise<RefusedPoints>;
  readonly #maxPoints: number;
  readonly #lingerMs: number;
  #waiting: Waiting[] = [];
  #waitingPoints = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    write: (points: readonly PendingPoint[]) => Promise<RefusedPoints>,
    options: { maxPoints: number; lingerMs: number },
  ) {
    this.#write = write;
    this.#maxPoints = options.maxPoints;
    this.#lingerMs = options.lingerMs;
  }

  /** Resolves, once the points are in InfluxDB, with those refused (indexes into `points`). */
  add(points: readonly PendingPoint[]): Promise<RefusedPoints> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ points, resolve, reject });
      this.#waitingPoints += points.length;
      if (this.#waitingPoints >= this.#maxPoints || this.#lingerMs === 0) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#lingerMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#waitingPoints = 0;
    const all = waiting.flatMap((entry) => entry.points);
    this.#write(all).then(
      (refused) => {
        let offset = 0;
        for (const entry of waiting) {
          const own: RefusedPoints = new Map();
          for (const [index, reason] of refused) {
            if (index >= offset && index < offset + entry.points.length) own.set(index - offset, reason);
          }
          offset += entry.points.length;
          entry.resolve(own);
        }
      },
      (error: unknown) => {
        for (const entry of waiting) entry.reject(error);
      },
    );
  }
}
