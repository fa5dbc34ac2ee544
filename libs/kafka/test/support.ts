import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '@tributary/testing';
import { pino } from 'pino';
import type { TopicSpec } from '../src/index.ts';
import { type Item, itemTopicNamed } from './fixtures/item-topic.ts';

/** A logger that keeps test output readable; set TRIBUTARY_TEST_LOG=debug to see everything. */
export const testLogger = pino({ level: process.env.TRIBUTARY_TEST_LOG ?? 'silent' });

export function itemTopic(prefix: string, partitions = 3): TopicSpec<string, Item> {
  return itemTopicNamed(uniqueName(prefix), partitions);
}

/** Starts a fixture script under tsx with the given environment; stdout lines are collected. */
export function startFixture(
  name: string,
  env: Record<string, string>,
): { child: ChildProcess; lines: string[] } {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, lines };
}

export async function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}
