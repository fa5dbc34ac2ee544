/** Turns values into record bytes and back. `decode` throws {@link DecodeError} for bytes it cannot accept. */
export interface Codec<T> {
  /** What the bytes hold, for docs and error messages, e.g. `json:MachineReading`. */
  readonly name: string;
  encode(value: T): Buffer;
  decode(bytes: Buffer | null): T;
}

export type DecodeFailure = 'missing' | 'malformed' | 'schema';

/** A record that cannot be decoded: an outcome for the dead-letter topic, not a crash. */
export class DecodeError extends Error {
  readonly code = 'DECODE_FAILED';
  readonly retriable = false;
  readonly failure: DecodeFailure;

  constructor(failure: DecodeFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecodeError';
    this.failure = failure;
  }
}
