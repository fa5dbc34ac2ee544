import assert from 'node:assert/strict';
import { ConfigError, type Environment, loadConfig, type SettingsTree } from '../src/index.ts';

/** Loads `settings` expecting failure, and returns the reported lines. */
export function problems(settings: SettingsTree, env: Environment): string[] {
  try {
    loadConfig(settings, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}
