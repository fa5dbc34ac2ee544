import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type Codec, DecodeError } from './codec.ts';
import './formats.ts';

const MAX_REPORTED_ERRORS = 3;

/**
 * JSON validated against a TypeBox schema. The validator is compiled once, so checking costs
 * about as much as the parse. Values are validated on decode only: what we encode was typed.
 */
export function jsonCodec<S extends TSchema>(
  schema: S,
  name = schema.$id ?? schema.title ?? 'json',
): Codec<Static<S>> {
  const check = TypeCompiler.Compile(schema);
  return {
    name: `json:${name}`,
    encode: (value) => Buffer.from(JSON.stringify(value)),
    decode(bytes) {
      if (bytes === null) throw new DecodeError('missing', 'value is missing (tombstone)');
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new DecodeError('malformed', `invalid JSON: ${(error as Error).message}`, { cause: error });
      }
      if (check.Check(parsed)) return parsed;
      const problems: string[] = [];
      for (const issue of check.Errors(parsed)) {
        problems.push(`${issue.path || '/'}: ${issue.message}`);
        if (problems.length === MAX_REPORTED_ERRORS) break;
      }
      throw new DecodeError('schema', `does not match ${name}: ${problems.join('; ')}`);
    },
  };
}
