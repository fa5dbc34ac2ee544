import {
  type Bounds,
  describeBounds,
  isWithin,
  parseBoolean,
  parseDuration,
  parseInteger,
  parseList,
  parseNumber,
} from './parsers.ts';
import { readSecret } from './secret-reader.ts';
import { type Kind, type Parsed, Setting } from './setting.ts';

/** How a setting may be left unset: with a default, as optional, or neither (then it is required). */
export type Presence<T> =
  | { readonly default: T; readonly optional?: false }
  | { readonly optional: true; readonly default?: never }
  | { readonly default?: never; readonly optional?: false };

export type Declaration<T> = { readonly doc: string } & Presence<T>;

/** The loaded type: `T`, or `T | undefined` when declared `optional: true`. */
export type Valued<T, O> = O extends { readonly optional: true } ? T | undefined : T;

export interface CustomParser<T> {
  /** Turns the raw text into a value; whatever it throws is shown to the operator as the reason. */
  readonly parse: (raw: string) => T;
  /** Completes "expected …", e.g. 'a host:port'. */
  readonly expected: string;
}

interface KindRules<T> extends Kind<T> {
  /** Checks a default against the kind's rules, so a bad default fails where it is written. */
  readonly accepts?: (value: T) => boolean;
  readonly show?: (value: T) => string;
}

const INVALID = { ok: false } as const;
const PORT_BOUNDS = { min: 0, max: 65_535 } as const;

function declare<T, O extends Declaration<unknown>>(
  variable: string,
  options: O,
  defaultValue: T | undefined,
  kind: KindRules<T>,
): Setting<Valued<T, O>> {
  if (defaultValue !== undefined && kind.accepts?.(defaultValue) === false) {
    throw badDefault(variable, defaultValue, kind.expected);
  }
  const show = kind.show ?? showValue;
  const fallback =
    options.optional === true
      ? { value: undefined }
      : defaultValue === undefined
        ? undefined
        : { value: defaultValue, text: show(defaultValue) };
  // Only `optional: true` lets undefined through; Valued<T, O> is that same fact at the type level.
  return new Setting<T | undefined>(variable, options.doc, kind, fallback) as Setting<Valued<T, O>>;
}

function badDefault(variable: string, value: unknown, expected: string): TypeError {
  return new TypeError(`${variable}: default ${showValue(value)} is not ${expected}`);
}

/** Parses with `parse`, then applies `accepts`: the same rule that checks defaults checks raw values. */
function checked<T>(parse: (raw: string) => T | undefined, accepts: (value: T) => boolean = () => true) {
  return (raw: string): Parsed<T> => {
    const value = parse(raw);
    return value !== undefined && accepts(value) ? { ok: true, value } : INVALID;
  };
}

function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function showDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

function string<O extends Declaration<string>>(variable: string, options: O): Setting<Valued<string, O>> {
  return declare(variable, options, options.default, {
    type: 'string',
    expected: 'a non-empty string',
    parse: (raw) => ({ ok: true, value: raw }),
  });
}

/** A string read from VAR or from the file named by VAR_FILE. */
function secret<O extends Declaration<string>>(variable: string, options: O): Setting<Valued<string, O>> {
  return declare(variable, options, options.default, {
    type: 'secret',
    expected: `a value, or a file named by ${variable}_FILE`,
    parse: (raw) => ({ ok: true, value: raw }),
    read: readSecret,
  });
}

function int<O extends Declaration<number> & Bounds>(
  variable: string,
  options: O,
): Setting<Valued<number, O>> {
  const accepts = (value: number) => Number.isSafeInteger(value) && isWithin(value, options);
  return declare(variable, options, options.default, {
    type: 'integer',
    expected: `an integer${describeBounds(options)}`,
    parse: checked(parseInteger, accepts),
    accepts,
  });
}

function number<O extends Declaration<number> & Bounds>(
  variable: string,
  options: O,
): Setting<Valued<number, O>> {
  const accepts = (value: number) => Number.isFinite(value) && isWithin(value, options);
  return declare(variable, options, options.default, {
    type: 'number',
    expected: `a number${describeBounds(options)}`,
    parse: checked(parseNumber, accepts),
    accepts,
  });
}

/** 0 to 65535; 0 asks the OS for a free port. */
function port<O extends Declaration<number>>(variable: string, options: O): Setting<Valued<number, O>> {
  const accepts = (value: number) => Number.isSafeInteger(value) && isWithin(value, PORT_BOUNDS);
  return declare(variable, options, options.default, {
    type: 'port',
    expected: `a port number${describeBounds(PORT_BOUNDS)}`,
    parse: checked(parseInteger, accepts),
    accepts,
  });
}

function bool<O extends Declaration<boolean>>(variable: string, options: O): Setting<Valued<boolean, O>> {
  return declare(variable, options, options.default, {
    type: 'boolean',
    expected: 'one of true, false, 1, 0, yes, no',
    parse: checked(parseBoolean),
  });
}

/** Milliseconds, written as '500ms', '10s', '2m', '1h' or a plain number of milliseconds. */
function duration<O extends Declaration<string | number>>(
  variable: string,
  options: O,
): Setting<Valued<number, O>> {
  const expected = 'a duration such as 500ms, 10s, 2m, 1h or plain milliseconds';
  const written = options.default;
  const defaultMs = typeof written === 'string' ? parseDuration(written) : written;
  if (written !== undefined && defaultMs === undefined) throw badDefault(variable, written, expected);
  return declare(variable, options, defaultMs, {
    type: 'duration',
    expected,
    parse: checked(parseDuration),
    accepts: (ms) => Number.isSafeInteger(ms) && ms >= 0,
    show: showDuration,
  });
}

/** Comma-separated strings, trimmed. */
function list<O extends Declaration<string[]>>(variable: string, options: O): Setting<Valued<string[], O>> {
  return declare(variable, options, options.default, {
    type: 'list',
    expected: 'a comma-separated list',
    parse: checked(parseList),
  });
}

function oneOf<const V extends readonly [string, ...string[]], O extends Declaration<V[number]>>(
  variable: string,
  values: V,
  options: O,
): Setting<Valued<V[number], O>> {
  const isValue = (raw: string): raw is V[number] => values.includes(raw);
  return declare(variable, options, options.default, {
    type: 'enum',
    expected: `one of ${values.join(', ')}`,
    parse: checked((raw) => (isValue(raw) ? raw : undefined)),
  });
}

function custom<T, O extends Declaration<T>>(
  variable: string,
  options: O & CustomParser<T>,
): Setting<Valued<T, O>> {
  const parse = (raw: string): Parsed<T> => {
    try {
      return { ok: true, value: options.parse(raw) };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  };
  return declare<T, O>(variable, options, options.default, {
    type: 'custom',
    expected: options.expected,
    parse,
  });
}

/** Declares settings; `loadConfig` reads them all at once and reports every problem together. */
export const env = {
  string,
  secret,
  int,
  number,
  port,
  bool,
  duration,
  list,
  enum: oneOf,
  custom,
};
