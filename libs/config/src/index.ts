export { ConfigError, type ConfigIssue } from './config-error.ts';
export { describeConfig, type SettingDescription } from './describe-config.ts';
export { type CustomParser, type Declaration, env, type Presence, type Valued } from './env.ts';
export { loadConfig } from './load-config.ts';
export type { Environment, Setting } from './setting.ts';
export type { ConfigOf, SettingsTree } from './settings-tree.ts';
