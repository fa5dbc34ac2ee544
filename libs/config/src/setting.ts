import { type ConfigIssue, invalidValue, missingValue } from './config-error.ts';

/** Variables to read from, usually `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A parser's verdict on one raw value; a `reason` is shown to the operator after the expected form. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason?: string };

export type Resolved<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issue: ConfigIssue };

/** Finds a variable's raw text; unset and empty both come back as undefined. */
export type Reader = (variable: string, env: Environment) => RawRead;
export type RawRead =
  | { readonly ok: true; readonly raw: string | undefined }
  | { readonly ok: false; readonly issue: ConfigIssue };

/** What kind of value a setting holds: its name in docs, its expected form, and how to parse it. */
export interface Kind<T> {
  readonly type: string;
  readonly expected: string;
  readonly parse: (raw: string) => Parsed<T>;
  readonly read?: Reader;
}

/** The value used when the variable is unset; a setting without one is required. */
export interface Fallback<T> {
  readonly value: T;
  /** How the default reads in docs; absent for optional settings, whose fallback is undefined. */
  readonly text?: string;
}

export const readPlain: Reader = (variable, env) => ({ ok: true, raw: env[variable] || undefined });

/** One environment variable, declared once with its doc: how to read, parse and describe it. */
export class Setting<T> {
  readonly variable: string;
  readonly doc: string;
  readonly type: string;
  readonly expected: string;
  readonly #parse: (raw: string) => Parsed<T>;
  readonly #read: Reader;
  readonly #fallback: Fallback<T> | undefined;

  constructor(variable: string, doc: string, kind: Kind<T>, fallback: Fallback<T> | undefined) {
    this.variable = variable;
    this.doc = doc;
    this.type = kind.type;
    this.expected = kind.expected;
    this.#parse = kind.parse;
    this.#read = kind.read ?? readPlain;
    this.#fallback = fallback;
  }

  get required(): boolean {
    return this.#fallback === undefined;
  }

  get defaultText(): string | undefined {
    return this.#fallback?.text;
  }

  resolve(env: Environment): Resolved<T> {
    const read = this.#read(this.variable, env);
    if (!read.ok) return read;
    if (read.raw === undefined) {
      return this.#fallback === undefined
        ? { ok: false, issue: missingValue(this.variable, this.expected, this.doc) }
        : { ok: true, value: this.#fallback.value };
    }
    const parsed = this.#parse(read.raw);
    if (parsed.ok) return parsed;
    return { ok: false, issue: invalidValue(this.variable, this.expected, read.raw, parsed.reason) };
  }
}
