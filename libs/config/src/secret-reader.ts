import { readFileSync } from 'node:fs';
import { invalidValue } from './config-error.ts';
import { type Reader, readPlain } from './setting.ts';

/**
 * Reads VAR, or the file named by VAR_FILE: Kubernetes mounts secrets as files, and a file keeps the
 * value out of `/proc/<pid>/environ` and crash dumps.
 */
export const readSecret: Reader = (variable, env) => {
  const fileVariable = `${variable}_FILE`;
  const path = env[fileVariable];
  if (!path) return readPlain(variable, env);
  if (env[variable]) {
    const message = `${variable}: set either ${variable} or ${fileVariable}, not both`;
    return {
      ok: false,
      issue: { variable, expected: `${variable} or ${fileVariable}`, got: '[redacted]', message },
    };
  }
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, issue: invalidValue(fileVariable, 'a readable file', path, reason) };
  }
  // `echo secret > file` and `kubectl create secret --from-file` leave a trailing newline that is never meant.
  const raw = content.replace(/[\r\n]+$/, '');
  if (raw === '') return { ok: false, issue: invalidValue(fileVariable, 'a non-empty file', path) };
  return { ok: true, raw };
};
