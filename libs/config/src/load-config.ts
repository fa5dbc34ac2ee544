import { ConfigError, type ConfigIssue } from './config-error.ts';
import type { Environment } from './setting.ts';
import { type ConfigOf, mapSettings, type SettingsTree } from './settings-tree.ts';

/**
 * Reads every setting in the tree from `env`. Throws one ConfigError listing every bad or missing
 * variable, so an operator fixes them all in one restart rather than one per crash.
 */
export function loadConfig<S extends SettingsTree>(settings: S, env: Environment = process.env): ConfigOf<S> {
  const issues = new Map<string, ConfigIssue>();
  const config = mapSettings(settings, (setting) => {
    const resolved = setting.resolve(env);
    if (resolved.ok) return resolved.value;
    // A variable declared in two groups (a lib's and a service's) is reported once.
    issues.set(resolved.issue.message, resolved.issue);
    return undefined;
  });
  if (issues.size > 0) throw new ConfigError([...issues.values()]);
  return config as ConfigOf<S>;
}
