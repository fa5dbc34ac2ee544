import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

async function walk(dir: string, found: string[]): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, found);
    else if (entry.name.endsWith('.test.ts')) found.push(full);
  }
}

async function packageTestDirs(root: string, group: string): Promise<string[]> {
  const dir = path.join(root, group);
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => path.join(dir, entry.name, 'test'));
}

/** Every `*.test.ts` under libs/*\/test, services/*\/test, deploy/local/test and test/, relative to the root. */
export async function discoverTestFiles(root: string): Promise<string[]> {
  const dirs = [
    ...(await packageTestDirs(root, 'libs')),
    ...(await packageTestDirs(root, 'services')),
    path.join(root, 'deploy', 'local', 'test'),
    path.join(root, 'test'),
  ];
  const found: string[] = [];
  for (const dir of dirs) await walk(dir, found);
  return found.map((file) => path.relative(root, file)).sort();
}
