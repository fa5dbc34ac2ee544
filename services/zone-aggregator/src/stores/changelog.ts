import { readToEnd, type TopicSpec } from '@tributary/kafka';
import type { Kafka } from 'kafkajs';
import type { ChangelogEntry, WindowTotals } from './window-store.ts';

/** The changelog's record value: a window's totals, a counted ride's window, or a partition's latest pickup. */
export type ChangelogValue = WindowTotals | { readonly window: string } | { readonly maxEventTime: number };

const MAX_EVENT_TIME = '@max-event-time';
const RIDE = '@ride|';

/**
 * key `<input partition>|<zone>|<hourStart>` (a window), `<input partition>|@ride|<ride key>` (a ride
 * counted into an open window) or `<input partition>|@max-event-time`; a null value = gone.
 */
export function changelogRecord(entry: ChangelogEntry): { key: string; value: ChangelogValue | null } {
  if (entry.kind === 'max-event-time')
    return { key: `${entry.partition}|${MAX_EVENT_TIME}`, value: { maxEventTime: entry.maxEventTime } };
  if (entry.kind === 'ride')
    return {
      key: `${entry.partition}|${RIDE}${entry.ride}`,
      value: entry.window === null ? null : { window: entry.window },
    };
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
  if (rest.startsWith(RIDE)) {
    if (value !== null && !('window' in value)) return undefined;
    return { kind: 'ride', partition, ride: rest.slice(RIDE.length), window: value?.window ?? null };
  }
  if (value !== null && !('rides' in value)) return undefined;
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
