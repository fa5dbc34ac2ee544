export interface TributaryErrorOptions {
  /** Whether trying the same thing again may succeed; defaults to false. */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** What an operator or a handler needs to act: topic, partition, offset, hook name… */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Base for Tributary's errors: a stable `code` to branch on, whether a retry can help, and context. */
export class TributaryError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: TributaryErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** The codes service-kit itself throws. */
export type ServiceErrorCode =
  | 'SERVICE_INVALID_STATE'
  | 'SERVICE_START_FAILED'
  | 'SERVICE_SHUTDOWN_TIMEOUT'
  | 'SERVICE_SHUTDOWN_FAILED';
