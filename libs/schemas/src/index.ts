export { type Static, type TSchema, Type } from '@sinclair/typebox';
export { type Codec, DecodeError, type DecodeFailure } from './codec.ts';
export { jsonCodec } from './json-codec.ts';
export { orTombstone } from './or-tombstone.ts';
export { bytesCodec, stringCodec } from './string-codec.ts';
