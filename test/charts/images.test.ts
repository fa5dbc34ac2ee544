// deploy/images/Dockerfile against the chart and the tree (no Docker engine here to build it):
// every service the chart deploys that exists has a target, and each target starts a file that exists.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './chart.ts';

const dockerfile = await readFile(path.join(repoRoot, 'deploy/images/Dockerfile'), 'utf8');

/** target name → the file its CMD/ENTRYPOINT runs with node. */
function targets(): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of dockerfile.split(/^FROM /m).slice(1)) {
    const name = /^runtime AS ([a-z-]+)/.exec(block)?.[1];
    const entry = /(?:CMD|ENTRYPOINT) \["node", "([^"]+)"/.exec(block)?.[1];
    if (name !== undefined && entry !== undefined) found.set(name, entry);
  }
  return found;
}

test('every service of the chart that exists in services/ has an image target', async () => {
  const values = parse(await readFile(path.join(repoRoot, 'charts/tributary/values.yaml'), 'utf8')) as {
    services: Record<string, unknown>;
  };
  const existing = Object.keys(values.services).filter((name) =>
    existsSync(path.join(repoRoot, 'services', name)),
  );
  assert.ok(existing.length >= 3);
  for (const name of existing) assert.ok(targets().has(name), `no \`FROM runtime AS ${name}\` target`);
});

test('each target runs an existing entry file and deploys its own package', () => {
  for (const [name, entry] of targets()) {
    assert.ok(existsSync(path.join(repoRoot, 'services', name, entry)), `${name}: services/${name}/${entry}`);
    assert.match(dockerfile, new RegExp(`pnpm --filter @tributary/${name} deploy --prod /out`));
  }
});

test('the images run as a non-root user', () => {
  assert.match(dockerfile, /^USER 1000:1000$/m);
});
