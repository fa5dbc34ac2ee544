import type { Codec } from './codec.ts';

/**
 * A codec that reads a tombstone (a null value, on a compacted topic: the key is deleted) as null
 * instead of refusing it as missing.
 */
export function orTombstone<T>(codec: Codec<T>): Codec<T | null> {
  return {
    name: `${codec.name} or tombstone`,
    encode: (value) => codec.encode(value as T),
    decode: (bytes) => (bytes === null ? null : codec.decode(bytes)),
  };
}
