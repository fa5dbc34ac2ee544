import { FormatRegistry } from '@sinclair/typebox';

// TypeBox knows no string formats until they are registered: without this, every schema with
// `format: 'date-time'` (tweets, taxi rides, hashtag windows) rejects every value as "Unknown format".
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 date-time (what `Date.prototype.toISOString` writes), with a real calendar date. */
export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
