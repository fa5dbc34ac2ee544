import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { env, loadConfig } from '../src/index.ts';
import { problems } from './support.ts';

const settings = { password: env.secret('SASL_PASSWORD', { optional: true, doc: 'SASL password' }) };
const dir = mkdtempSync(join(tmpdir(), 'tributary-config-'));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('env.secret', () => {
  test('reads the value from the variable itself', () => {
    assert.equal(loadConfig(settings, { SASL_PASSWORD: 'hunter2' }).password, 'hunter2');
  });

  test('reads the value from the file named by VAR_FILE, without its trailing newline', () => {
    const path = secretFile('password', 'hunter2\n');
    assert.equal(loadConfig(settings, { SASL_PASSWORD_FILE: path }).password, 'hunter2');
  });

  test('is undefined when neither is set and the secret is optional', () => {
    assert.equal(loadConfig(settings, { SASL_PASSWORD_FILE: '' }).password, undefined);
  });

  test('names VAR_FILE when the file cannot be read', () => {
    const path = join(dir, 'missing');
    assert.deepEqual(problems(settings, { SASL_PASSWORD_FILE: path }), [
      `SASL_PASSWORD_FILE: expected a readable file, got '${path}' (ENOENT)`,
    ]);
  });

  test('names VAR_FILE when the file is empty', () => {
    const path = secretFile('empty', '\n');
    assert.deepEqual(problems(settings, { SASL_PASSWORD_FILE: path }), [
      `SASL_PASSWORD_FILE: expected a non-empty file, got '${path}'`,
    ]);
  });

  test('refuses both VAR and VAR_FILE, without echoing the secret', () => {
    const path = secretFile('both', 'from-file');
    const lines = problems(settings, { SASL_PASSWORD: 'from-env', SASL_PASSWORD_FILE: path });
    assert.deepEqual(lines, ['SASL_PASSWORD: set either SASL_PASSWORD or SASL_PASSWORD_FILE, not both']);
  });

  test('is required when declared without a default', () => {
    const required = { password: env.secret('SASL_PASSWORD', { doc: 'SASL password' }) };
    assert.deepEqual(problems(required, {}), ['SASL_PASSWORD: required (SASL password)']);
  });
});
