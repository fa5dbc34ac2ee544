import { mapSettings, type SettingsTree } from './settings-tree.ts';

/** One row of the settings reference, for docs and `--help`. */
export interface SettingDescription {
  /** Where the value lands in the loaded config, e.g. 'kafka.brokers'. */
  readonly path: string;
  readonly variable: string;
  readonly type: string;
  readonly expected: string;
  readonly default: string | undefined;
  readonly required: boolean;
  readonly doc: string;
}

export function describeConfig(settings: SettingsTree): SettingDescription[] {
  const rows: SettingDescription[] = [];
  mapSettings(settings, (setting, path) => {
    const { variable, type, expected, defaultText, required, doc } = setting;
    rows.push({ path, variable, type, expected, default: defaultText, required, doc });
  });
  return rows;
}
