import { Point } from '@influxdata/influxdb-client';
import type { AnyPointMapping, FieldSpec } from '../mappings/index.ts';

/** A record's point(s) as line protocol (millisecond precision, one line a point), or why it has none. */
export type Mapped =
  | { readonly ok: true; readonly line: string }
  | { readonly ok: false; readonly reason: string };

/** InfluxDB stores int64 nanoseconds: about 1677-09-21 to 2262-04-11. */
const MAX_TIME_MS = 9_223_372_036_853;
/** InfluxDB 1.x refuses longer string field values. */
const MAX_STRING_BYTES = 64 * 1024 - 1;

/**
 * Maps one decoded value to its point, or to its points (newline-separated lines) when the mapping
 * has `points`; one unmappable element fails the whole record. Pure: no I/O, no clock.
 */
export function toPoint(mapping: AnyPointMapping, value: unknown): Mapped {
  if (mapping.points === undefined) return onePoint(mapping, value);
  if (typeof value !== 'object' || value === null) return failed('value is not an object');
  const elements = mapping.points(value);
  if (elements.length === 0) return failed('the record maps to no point');
  const lines: string[] = [];
  for (const [index, element] of elements.entries()) {
    const mapped = onePoint(mapping, element);
    if (!mapped.ok) return failed(`point ${index}: ${mapped.reason}`);
    lines.push(mapped.line);
  }
  return { ok: true, line: lines.join('\n') };
}

function onePoint(mapping: AnyPointMapping, value: unknown): Mapped {
  if (typeof value !== 'object' || value === null) return failed('value is not an object');
  const time = mapping.timestamp(value);
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) {
    return failed(`timestamp: expected integer epoch milliseconds, got ${show(time)}`);
  }
  if (Math.abs(time) > MAX_TIME_MS) return failed(`timestamp: ${time} is outside InfluxDB's time range`);
  const point = new Point(mapping.measurement).timestamp(String(time));
  for (const [name, from] of Object.entries(mapping.tags)) {
    const tag = from(value);
    if ((typeof tag !== 'string' && typeof tag !== 'number') || String(tag) === '') {
      return failed(`tag ${name}: expected a non-empty string or number, got ${show(tag)}`);
    }
    if (typeof tag === 'number' && !Number.isFinite(tag)) return failed(`tag ${name}: ${tag} is not finite`);
    point.tag(name, String(tag));
  }
  for (const [name, spec] of Object.entries(mapping.fields)) {
    const problem = setField(point, name, spec, spec.from(value));
    if (problem !== undefined) return failed(`field ${name}: ${problem}`);
  }
  const line = point.toLineProtocol();
  // Unreachable with at least one valid field, which definePointMapping ensures; kept as a guard.
  if (line === undefined) return failed('point has no fields');
  return { ok: true, line };
}

function setField(point: Point, name: string, spec: FieldSpec<unknown>, raw: unknown): string | undefined {
  switch (spec.type) {
    case 'float':
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        return `expected a finite number, got ${show(raw)}`;
      point.floatField(name, raw);
      return undefined;
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw))
        return `expected an integer, got ${show(raw)}`;
      point.intField(name, raw);
      return undefined;
    case 'string':
      if (typeof raw !== 'string') return `expected a string, got ${show(raw)}`;
      if (Buffer.byteLength(raw) > MAX_STRING_BYTES) return `longer than ${MAX_STRING_BYTES} bytes`;
      point.stringField(name, raw);
      return undefined;
    case 'boolean':
      if (typeof raw !== 'boolean') return `expected a boolean, got ${show(raw)}`;
      point.booleanField(name, raw);
      return undefined;
  }
}

function failed(reason: string): Mapped {
  return { ok: false, reason };
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
