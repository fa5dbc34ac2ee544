// Text → value for the built-in kinds. Each returns undefined when the text is not of its kind.

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const MS_PER_UNIT = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

export function parseInteger(raw: string): number | undefined {
  const value = Number(raw);
  return INTEGER.test(raw) && Number.isSafeInteger(value) ? value : undefined;
}

export function parseNumber(raw: string): number | undefined {
  const value = Number(raw);
  return DECIMAL.test(raw) && Number.isFinite(value) ? value : undefined;
}

export function parseBoolean(raw: string): boolean | undefined {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** '500ms', '10s', '2m', '1h' or plain milliseconds, as whole milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const match = DURATION.exec(raw);
  if (match === null) return undefined;
  const [, amount = '', unit = 'ms'] = match;
  return Math.round(Number(amount) * MS_PER_UNIT[unit as keyof typeof MS_PER_UNIT]);
}

/** Comma-separated, items trimmed; empty items are dropped so a trailing comma is harmless. */
export function parseList(raw: string): string[] | undefined {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

export function isWithin(value: number, { min, max }: Bounds): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/** ' from 1 to 10', ' of at least 1', … — appended to 'an integer' or 'a number'. */
export function describeBounds({ min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}
