import { type Codec, DecodeError } from './codec.ts';

/** UTF-8 text, the usual form of record keys (machine ids, hashtags, zone ids). */
export const stringCodec: Codec<string> = {
  name: 'string',
  encode: (value) => Buffer.from(value, 'utf8'),
  decode(bytes) {
    if (bytes === null) throw new DecodeError('missing', 'key is missing');
    return bytes.toString('utf8');
  },
};

/** Bytes passed through untouched, for topics whose records are opaque here (dead-letter topics). */
export const bytesCodec: Codec<Buffer> = {
  name: 'bytes',
  encode: (value) => value,
  decode: (bytes) => bytes ?? Buffer.alloc(0),
};
