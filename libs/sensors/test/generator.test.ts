import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileRegimes,
  DEFAULT_REGIMES,
  generateArticleReadings,
  generateReadings,
  type LabelledReading,
  RegimeConfigError,
  type RegimeSpec,
} from '../src/index.ts';

const take = (seed: number, count: number, machines = 5): LabelledReading[] => [
  ...generateReadings({ seed, machines, count }),
];

/** Runs of equal regimes per machine: [regime, length][], the last (cut off) run dropped. */
function runsByMachine(readings: readonly LabelledReading[]): Map<string, [number, number][]> {
  const runs = new Map<string, [number, number][]>();
  for (const { reading, regime } of readings) {
    const list = runs.get(reading.machine) ?? [];
    const last = list[list.length - 1];
    if (last !== undefined && last[0] === regime) last[1]++;
    else list.push([regime, 1]);
    runs.set(reading.machine, list);
  }
  for (const list of runs.values()) list.pop();
  return runs;
}

describe('generateReadings', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    assert.deepEqual(take(42, 5_000), take(42, 5_000));
    assert.notDeepEqual(take(42, 5_000), take(43, 5_000));
  });

  it('keeps each machine’s stream when machines are added', () => {
    const few = take(7, 3_000, 3).filter(({ reading }) => reading.machine === 'machine-1');
    const more = take(7, 5_000, 5).filter(({ reading }) => reading.machine === 'machine-1');
    assert.deepEqual(more.slice(0, few.length), few);
  });

  it('emits every machine once per interval, in event-time order, from the start time', () => {
    const readings = [
      ...generateReadings({ seed: 1, machines: 3, count: 9, startTime: 1_000_000, intervalMs: 250 }),
    ].map(({ reading }) => reading);
    assert.deepEqual(
      readings.map((reading) => `${reading.machine}@${reading.timestamp}`),
      [0, 1, 2].flatMap((tick) => [0, 1, 2].map((machine) => `machine-${machine}@${1_000_000 + tick * 250}`)),
    );
    for (const reading of readings) assert.ok(Number.isInteger(reading.timestamp));
  });

  it('stays in a regime for a dwell within its bounds and moves only along declared transitions', () => {
    const regimes = compileRegimes(DEFAULT_REGIMES);
    const runs = runsByMachine(take(3, 200_000, 10));
    let checked = 0;
    for (const list of runs.values()) {
      // The first run may start mid-dwell; the ones after it are whole.
      for (let i = 1; i < list.length; i++) {
        const [regime, length] = list[i] as [number, number];
        const spec = DEFAULT_REGIMES[regime] as RegimeSpec;
        assert.ok(length >= spec.dwell.min, `${spec.name} lasted ${length} < ${spec.dwell.min}`);
        // A regime can follow itself only if declared; none of the defaults do, so runs are single dwells.
        assert.ok(length <= spec.dwell.max, `${spec.name} lasted ${length} > ${spec.dwell.max}`);
        const [previous] = list[i - 1] as [number, number];
        const allowed = regimes.transitions[previous]?.map(([target]) => target) ?? [];
        assert.ok(allowed.includes(regime), `${regimes.names[previous]} → ${spec.name} is not declared`);
        checked++;
      }
    }
    assert.ok(checked > 200, `only ${checked} transitions seen`);
  });

  it('produces each regime’s level and fluctuation', () => {
    const byRegime = new Map<number, number[]>();
    for (const { reading, regime } of take(11, 300_000, 20)) {
      const values = byRegime.get(regime) ?? [];
      values.push(reading.temperature);
      byRegime.set(regime, values);
    }
    for (const [regime, values] of byRegime) {
      const spec = DEFAULT_REGIMES[regime] as RegimeSpec;
      if (spec.rampFrom !== undefined) continue; // a ramp has no single level
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
      assert.ok(Math.abs(mean - spec.mean) < 0.2, `${spec.name}: mean ${mean}`);
      assert.ok(Math.abs(std / spec.std - 1) < 0.1, `${spec.name}: std ${std}`);
    }
    assert.equal(byRegime.size, DEFAULT_REGIMES.length);
  });

  it('rejects a transition to an undefined regime', () => {
    assert.throws(
      () => compileRegimes([{ name: 'a', mean: 1, std: 1, dwell: { min: 1, max: 2 }, next: { b: 1 } }]),
      (error: unknown) =>
        error instanceof RegimeConfigError && /next regime b is not defined/.test(error.message),
    );
  });
});

describe('generateArticleReadings', () => {
  it('draws every integer 40..70 and nothing else, the same for the same seed', () => {
    const readings = [...generateArticleReadings({ seed: 5, count: 20_000 })];
    const values = new Set(readings.map((reading) => reading.temperature));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: 31 }, (_, index) => 40 + index),
    );
    assert.deepEqual([...generateArticleReadings({ seed: 5, count: 100 })], readings.slice(0, 100));
  });
});
