/** One bad or missing variable, in the words an operator needs to fix it. */
export interface ConfigIssue {
  readonly variable: string;
  readonly expected: string;
  /** The raw value as read; undefined when the variable was unset or empty. */
  readonly got: string | undefined;
  /** The full line, e.g. `TRIBUTARY_KAFKA_TIMEOUT_MS: expected an integer from 1 to 600000, got 'abc'`. */
  readonly message: string;
}

/** Every problem found while loading, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => issue.message).join('\n'));
    this.issues = issues;
  }
}

const MAX_SHOWN = 80;

/** Quotes a raw value for a message, cut short so a pasted blob cannot flood the log. */
export function quote(raw: string): string {
  const shown = raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw;
  return `'${shown}'`;
}

export function invalidValue(variable: string, expected: string, got: string, reason?: string): ConfigIssue {
  const because = reason === undefined ? '' : ` (${reason})`;
  return {
    variable,
    expected,
    got,
    message: `${variable}: expected ${expected}, got ${quote(got)}${because}`,
  };
}

export function missingValue(variable: string, expected: string, doc: string): ConfigIssue {
  return { variable, expected, got: undefined, message: `${variable}: required (${doc})` };
}
