import { NO_WATERMARK } from '../processors/tag-tweets.ts';
import type { WindowAggregate } from '../topics.ts';

export interface Aggregate {
  count: number;
  /** Sum of sentiment scores in 10⁻⁴ (integers: exact in any order). */
  sentimentSum: number;
}

export interface IdlePolicy {
  /** 0: a source is never idle; otherwise one silent this long (wall clock) stops holding the watermark. */
  readonly idleTimeoutMs: number;
  readonly now: () => number;
}

/**
 * Stage 2's state for one repartition partition: the open windows' aggregates per tag, and the latest
 * watermark each tweets.raw partition sent. The partition's watermark is the minimum over the sources
 * (Flink's rule for an operator with several inputs), never moving back.
 */
export class PartitionWindows {
  /** windowStart → tag → aggregate. */
  readonly windows = new Map<number, Map<string, Aggregate>>();
  readonly #sources = new Map<number, number>();
  readonly #heardAt = new Map<number, number>();
  readonly #sourceCount: number;
  readonly #idle: IdlePolicy;
  readonly #createdAt: number;
  #watermark = NO_WATERMARK;

  constructor(sourceCount: number, idle: IdlePolicy) {
    this.#sourceCount = sourceCount;
    this.#idle = idle;
    this.#createdAt = idle.now();
  }

  get watermark(): number {
    return this.#watermark;
  }

  /** Source partition → its latest watermark, as checkpointed. */
  get sourceWatermarks(): Record<string, number> {
    return Object.fromEntries([...this.#sources].map(([source, watermark]) => [String(source), watermark]));
  }

  get aggregateCount(): number {
    let count = 0;
    for (const tags of this.windows.values()) count += tags.size;
    return count;
  }

  /** Restores the checkpointed watermarks. */
  restoreWatermarks(sources: Readonly<Record<string, number>>, watermark: number): void {
    for (const [source, value] of Object.entries(sources)) this.#sources.set(Number(source), value);
    this.#watermark = Math.max(this.#watermark, watermark);
  }

  restoreAggregate(aggregate: WindowAggregate): void {
    this.#tagsOf(aggregate.windowStart).set(aggregate.tag, {
      count: aggregate.count,
      sentimentSum: aggregate.sentimentSum,
    });
  }

  /** A source's watermark arrived; returns true when it moved forward. */
  observeSource(source: number, watermark: number): boolean {
    this.#heardAt.set(source, this.#idle.now());
    const previous = this.#sources.get(source) ?? NO_WATERMARK;
    if (watermark <= previous) return false;
    this.#sources.set(source, watermark);
    return true;
  }

  add(windowStart: number, tag: string, sentiment: number): void {
    const tags = this.#tagsOf(windowStart);
    const aggregate = tags.get(tag);
    if (aggregate === undefined) tags.set(tag, { count: 1, sentimentSum: sentiment });
    else {
      aggregate.count++;
      aggregate.sentimentSum += sentiment;
    }
  }

  /**
   * Recomputes the partition's watermark: the minimum over the sources that are not idle (a source
   * never heard from counts as lowest until it is idle). Returns true when it moved forward.
   */
  advance(): boolean {
    const now = this.#idle.now();
    let lowest = Number.POSITIVE_INFINITY;
    for (let source = 0; source < this.#sourceCount; source++) {
      if (this.#isIdle(source, now)) continue;
      lowest = Math.min(lowest, this.#sources.get(source) ?? NO_WATERMARK);
    }
    // Every source idle: nothing moves the watermark (as in Flink).
    if (lowest === Number.POSITIVE_INFINITY || lowest <= this.#watermark) return false;
    this.#watermark = lowest;
    return true;
  }

  /** Sources currently considered idle. */
  idleSources(): number {
    const now = this.#idle.now();
    let idle = 0;
    for (let source = 0; source < this.#sourceCount; source++) if (this.#isIdle(source, now)) idle++;
    return idle;
  }

  /** Removes and returns the windows `isFinal` accepts, oldest first. */
  takeWindows(isFinal: (windowStart: number) => boolean): [number, Map<string, Aggregate>][] {
    const taken = [...this.windows].filter(([start]) => isFinal(start)).sort(([a], [b]) => a - b);
    for (const [start] of taken) this.windows.delete(start);
    return taken;
  }

  #isIdle(source: number, now: number): boolean {
    if (this.#idle.idleTimeoutMs === 0) return false;
    return now - (this.#heardAt.get(source) ?? this.#createdAt) >= this.#idle.idleTimeoutMs;
  }

  #tagsOf(windowStart: number): Map<string, Aggregate> {
    let tags = this.windows.get(windowStart);
    if (tags === undefined) {
      tags = new Map();
      this.windows.set(windowStart, tags);
    }
    return tags;
  }
}
