import { Setting } from './setting.ts';

/** Settings, possibly grouped: `{ kafka: { brokers: env.list(…) }, http: { port: env.port(…) } }`. */
export type SettingsTree = { readonly [key: string]: Setting<unknown> | SettingsTree };

/** The loaded shape of a settings tree: each setting replaced by its value's type. */
export type ConfigOf<S extends SettingsTree> = {
  -readonly [K in keyof S]: S[K] extends Setting<infer V>
    ? V
    : S[K] extends SettingsTree
      ? ConfigOf<S[K]>
      : never;
};

/** Calls `visit` on every setting, depth first, and returns the results in the tree's shape. */
export function mapSettings(
  tree: SettingsTree,
  visit: (setting: Setting<unknown>, path: string) => unknown,
  prefix = '',
): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    mapped[key] = node instanceof Setting ? visit(node, path) : mapSettings(node, visit, path);
  }
  return mapped;
}
