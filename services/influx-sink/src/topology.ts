import { defineTopic, type HandlerContext, handle, type TopicHandler } from '@tributary/kafka';
import type { PendingPoint } from './influx-writer.ts';
import type { AnyPointMapping } from './mappings/index.ts';
import type { PointBatcher } from './point-batcher.ts';
import { toPoint } from './processors/to-point.ts';

/**
 * In: every mapped topic selected by INFLUX_SINK_TOPICS (default: all). An entry `mapped=actual`
 * applies the mapping declared for topic `mapped` to a topic named `actual` (same schema, another
 * name: a per-environment prefix, or a test's own topic). Out: InfluxDB points, one measurement per
 * mapping; records that cannot become points go to the topic's dead-letter topic.
 */
export function selectMappings(
  mappings: readonly AnyPointMapping[],
  topics: readonly string[] | undefined,
): { selected: AnyPointMapping[]; unknown: string[] } {
  if (topics === undefined) return { selected: [...mappings], unknown: [] };
  const byTopic = new Map(mappings.map((mapping) => [mapping.topic.name, mapping]));
  const selected: AnyPointMapping[] = [];
  const unknown: string[] = [];
  for (const entry of topics) {
    const [mapped = entry, actual = mapped] = entry.split('=');
    const mapping = byTopic.get(mapped);
    if (!mapping) unknown.push(mapped);
    else if (actual === mapped) selected.push(mapping);
    else
      selected.push({
        ...mapping,
        topic: defineTopic({ ...mapping.topic, name: actual, deadLetterTopic: `${actual}.dlq` }),
      });
  }
  return { selected, unknown };
}

/** One handler per mapping: map each record, write the batch, and wait until InfluxDB has it. */
export function sinkHandlers(
  mappings: readonly AnyPointMapping[],
  batcher: PointBatcher,
): TopicHandler<HandlerContext>[] {
  return mappings.map((mapping) =>
    handle(mapping.topic, async (records, context) => {
      const points: PendingPoint[] = [];
      const sources: (typeof records)[number][] = [];
      for (const record of records) {
        const mapped = toPoint(mapping, record.value);
        if (!mapped.ok) {
          context.reject(record, `unmappable: ${mapped.reason}`);
          continue;
        }
        points.push({ line: mapped.line, measurement: mapping.measurement });
        sources.push(record);
      }
      if (points.length === 0) return;
      const refused = await batcher.add(points);
      for (const [index, reason] of refused) {
        const record = sources[index];
        if (record) context.reject(record, `InfluxDB refused the point: ${reason}`);
      }
    }),
  );
}
