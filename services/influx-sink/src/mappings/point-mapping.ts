import type { TopicSpec } from '@tributary/kafka';

export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

/** One field of a point: its InfluxDB type and where its value comes from in the record's value. */
export interface FieldSpec<V> {
  readonly type: FieldType;
  readonly from: (value: V) => unknown;
}

/**
 * How one topic's records become InfluxDB points. The timestamp comes from the event time in the
 * value, never from the clock or the Kafka timestamp: a redelivered record then lands on the same
 * series key and time, and InfluxDB overwrites the point instead of adding a second one.
 */
export interface PointMapping<V, P = V> {
  readonly topic: TopicSpec<unknown, V>;
  readonly measurement: string;
  /**
   * One record, several points (a top-N list: one point per rank): tags, fields and timestamp are
   * then read from each element this returns. Without it the record's value is the one point.
   */
  readonly points?: (value: V) => readonly P[];
  /** Indexed and grouped by; keep their values bounded (machine ids, regimes — never free text). */
  readonly tags: Readonly<Record<string, (point: P) => unknown>>;
  readonly fields: Readonly<Record<string, FieldSpec<P>>>;
  /** Event time in epoch milliseconds. */
  readonly timestamp: (point: P) => unknown;
}

/** A mapping of any value type, as the runtime handles it once the types are checked. */
// biome-ignore lint/suspicious/noExplicitAny: mappings are contravariant in their value; the runtime erases it
export type AnyPointMapping = PointMapping<any, any>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks names once, where the mapping is declared, so a typo fails at start-up rather than per record. */
export function definePointMapping<K, V, P = V>(
  mapping: Omit<PointMapping<V, P>, 'topic'> & { readonly topic: TopicSpec<K, V> },
): PointMapping<V, P> {
  const names = [mapping.measurement, ...Object.keys(mapping.tags), ...Object.keys(mapping.fields)];
  for (const name of names) {
    if (!NAME.test(name))
      throw new TypeError(`mapping of ${mapping.topic.name}: '${name}' is not a plain name`);
  }
  if (Object.keys(mapping.fields).length === 0) {
    throw new TypeError(`mapping of ${mapping.topic.name}: a point needs at least one field`);
  }
  const clash = Object.keys(mapping.tags).find((tag) => tag in mapping.fields);
  // InfluxDB 1.x cannot query a tag and a field of the same name apart.
  if (clash !== undefined) {
    throw new TypeError(`mapping of ${mapping.topic.name}: '${clash}' is both a tag and a field`);
  }
  return Object.freeze({ ...mapping, topic: mapping.topic as TopicSpec<unknown, V> });
}

export const float = <V>(from: (value: V) => unknown): FieldSpec<V> => ({ type: 'float', from });
export const integer = <V>(from: (value: V) => unknown): FieldSpec<V> => ({ type: 'integer', from });
export const string = <V>(from: (value: V) => unknown): FieldSpec<V> => ({ type: 'string', from });
export const boolean = <V>(from: (value: V) => unknown): FieldSpec<V> => ({ type: 'boolean', from });
