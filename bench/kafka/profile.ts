import { readFile } from 'node:fs/promises';
import type { PhaseWindow } from './node-contender.ts';
import { round } from './stats.ts';

/** The parts of V8's .cpuprofile format (what `node --cpu-prof` writes) that the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  readonly name: string;
  /** Percent of the phase's samples. */
  readonly percent: number;
}

export interface PhaseProfile {
  readonly phase: PhaseWindow['phase'];
  readonly sampledMs: number;
  /** Self time by where the code lives: a package, our layer, Node's internals, GC, idle. */
  readonly byOwner: Share[];
  /** The functions that spend the most time themselves. */
  readonly topSelf: Share[];
  /** Our layer's functions, with everything they call. */
  readonly oursInclusive: Share[];
}

const TOP = 15;

/** Splits a profile into the bench's timed phases and summarizes where each spent its time. */
export async function summarizeProfile(
  file: string,
  windows: readonly PhaseWindow[],
): Promise<PhaseProfile[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) {
    at += delta;
    times.push(at);
  }

  return windows.map((window) => {
    const owner = new Map<string, number>();
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < profile.samples.length; i += 1) {
      const time = times[i] ?? 0;
      if (time < window.startUs || time > window.endUs) continue;
      const weight = (times[i + 1] ?? time) - time;
      const node = byId.get(profile.samples[i] ?? -1);
      if (!node) continue;
      total += weight;
      add(owner, ownerOf(node.callFrame), weight);
      add(self, frameName(node.callFrame), weight);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
        const frame = byId.get(id)?.callFrame;
        if (!frame || ownerOf(frame) !== '@tributary/kafka') continue;
        const name = frameName(frame);
        if (!seen.has(name)) add(inclusive, name, weight);
        seen.add(name);
      }
    }
    const shares = (map: Map<string, number>, limit: number): Share[] =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([name, weight]) => ({ name, percent: round((100 * weight) / (total || 1), 1) }));
    return {
      phase: window.phase,
      sampledMs: Math.round(total / 1000),
      byOwner: shares(owner, TOP),
      topSelf: shares(self, TOP),
      oursInclusive: shares(inclusive, TOP),
    };
  });
}

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(libs|bench)\//, '$1/');
  // tsx's transform does not keep TypeScript's line numbers: name the file only.
  const line = file.endsWith('.ts') ? '' : `:${frame.lineNumber + 1}`;
  const where = file === '' ? '' : ` ${file}${line}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function ownerOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const dependency = url.match(/\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//);
  if (dependency?.[1]) return dependency[1];
  if (url.includes('/libs/kafka/')) return '@tributary/kafka';
  if (url.includes('/libs/schemas/')) return '@tributary/schemas';
  if (url.includes('/bench/')) return 'bench';
  return url;
}
