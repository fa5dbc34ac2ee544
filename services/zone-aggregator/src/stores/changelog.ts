import type { TopicSpec } from '@tributary/kafka';
import type { Kafka } from 'kafkajs';
import { readToEnd } from './read-to-end.ts';
import type { ChangelogEntry, WindowTotals } from './window-store.ts';

/** The changelog's record value: a window's totals, or a partition's latest pickup. */
export type ChangelogValue = WindowTotals | { readonly maxEventTime: number };

const MAX_EVENT_TIME = '@max-event-time';

/** key `<input partition>|<window>` or `<input partition>|@max-event-time`; null value = window closed. */
export function changelogRecord(entry: ChangelogEntry): { key: string; value: ChangelogValue | null } {
  if (entry.kind === 'max-event-time')
    return { key: `${entry.partition}|${MAX_EVENT_TIME}`, value: { maxEventTime: entry.maxEventTime } };
  return { key: `${entry.partition}|${entry.window}`, value: entry.totals };
}

export function changelogEntry(key: string, value: ChangelogValue | null): ChangelogEntry | undefined {
  const bar = key.indexOf('|');
  const partition = Number(key.slice(0, bar));
  const rest = key.slice(bar + 1);
  if (bar < 0 || !Number.isInteger(partition)) return undefined;
  if (rest === MAX_EVENT_TIME)
    return value !== null && 'maxEventTime' in value
      ? { kind: 'max-event-time', partition, maxEventTime: value.maxEventTime }
      : undefined;
  if (value !== null && 'maxEventTime' in value) return undefined;
  return { kind: 'window', partition, window: rest, totals: value };
}

/**
 * Reads the whole changelog (read_committed) up to its end as of the call, in log order, for the
 * partitions asked. The caller fences the previous owners first, so no open transaction holds the
 * last stable offset back.
 */
export async function readChangelog(
  kafka: Kafka,
  topic: TopicSpec<string, ChangelogValue>,
  partitions: ReadonlySet<number>,
  groupId: string,
): Promise<ChangelogEntry[]> {
  const entries: ChangelogEntry[] = [];
  await readToEnd(kafka, topic.name, groupId, (message) => {
    if (!message.key) return;
    const value = message.value === null ? null : topic.value.decode(message.value);
    const entry = changelogEntry(topic.key.decode(message.key), value);
    if (entry && partitions.has(entry.partition)) entries.push(entry);
  });
  return entries;
}
