import type { ConsumedRecord } from '@tributary/kafka';
import type { HashtagWindowCount } from '@tributary/topics';
import type { Aggregate, PartitionWindows } from '../stores/partition-windows.ts';
import { type RepartitionRecord, WATERMARK_KEY, type WindowStateRecord } from '../topics.ts';
import { meanSentiment } from './sentiment.ts';
import { isFinal, openWindowStartsOf, type WindowSpec } from './windows.ts';

export interface StateChange {
  readonly key: string;
  /** null: a tombstone (the window closed). */
  readonly value: WindowStateRecord | null;
}

export interface CountedBatch {
  /** Changed windows still open (final = false), then closed windows (final = true). */
  readonly counts: { key: string; value: HashtagWindowCount }[];
  /** What the changelog needs to rebuild the state as it is after the batch. */
  readonly changes: StateChange[];
  /** Tags whose every window had already closed here (only possible once an idle source came back). */
  readonly tooLate: { record: ConsumedRecord<string, RepartitionRecord>; reason: string }[];
  readonly windowsClosed: number;
}

/** `<windowStart ISO>|<tag>`: the key of hashtags.counts and of the window changelog. */
export function countKey(windowStart: number, tag: string): string {
  return `${new Date(windowStart).toISOString()}|${tag}`;
}

/**
 * Stage 2 for one batch of one repartition partition: adds each tag to its windows that were open
 * for its source partition, moves the watermark, and closes the windows it made final. Output has
 * update semantics: every changed window's count now, and once more with final = true when it closes.
 */
export function countBatch(
  records: readonly ConsumedRecord<string, RepartitionRecord>[],
  state: PartitionWindows,
  spec: WindowSpec,
): CountedBatch {
  const changed = new Map<number, Set<string>>();
  const tooLate: CountedBatch['tooLate'] = [];
  let sourcesMoved = false;
  for (const record of records) {
    const value = record.value;
    if (value.kind === 'watermark') {
      sourcesMoved = state.observeSource(value.sourcePartition, value.watermark) || sourcesMoved;
      continue;
    }
    const starts = openWindowStartsOf(value.eventTime, value.sourceWatermark, spec).filter(
      (start) => !isFinal(start, state.watermark, spec),
    );
    if (starts.length === 0) {
      tooLate.push({
        record,
        reason: `too late: every window of ${new Date(value.eventTime).toISOString()} closed at watermark ${new Date(state.watermark).toISOString()}`,
      });
      continue;
    }
    for (const start of starts) {
      state.add(start, value.tag, value.sentiment);
      let tags = changed.get(start);
      if (tags === undefined) {
        tags = new Set();
        changed.set(start, tags);
      }
      tags.add(value.tag);
    }
  }
  const watermarkMoved = state.advance();
  const closed = watermarkMoved ? state.takeWindows((start) => isFinal(start, state.watermark, spec)) : [];

  const counts: CountedBatch['counts'] = [];
  const changes: StateChange[] = [];
  for (const [start, tags] of changed) {
    const open = state.windows.get(start);
    if (open === undefined) continue; // closed in this batch: reported below as final
    for (const tag of tags) {
      const aggregate = open.get(tag) as Aggregate;
      const key = countKey(start, tag);
      counts.push({ key, value: windowCount(start, tag, aggregate, spec, false) });
      changes.push({ key, value: { kind: 'window', tag, windowStart: start, ...aggregate } });
    }
  }
  for (const [start, tags] of closed) {
    for (const [tag, aggregate] of tags) {
      const key = countKey(start, tag);
      counts.push({ key, value: windowCount(start, tag, aggregate, spec, true) });
      changes.push({ key, value: null });
    }
  }
  if (sourcesMoved || watermarkMoved) {
    changes.push({
      key: WATERMARK_KEY,
      value: { kind: 'watermarks', sources: state.sourceWatermarks, watermark: state.watermark },
    });
  }
  return { counts, changes, tooLate, windowsClosed: closed.length };
}

function windowCount(
  start: number,
  tag: string,
  aggregate: Aggregate,
  spec: WindowSpec,
  final: boolean,
): HashtagWindowCount {
  return {
    tag,
    count: aggregate.count,
    sentiment: meanSentiment(aggregate.sentimentSum, aggregate.count),
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + spec.sizeMs).toISOString(),
    final,
  };
}
