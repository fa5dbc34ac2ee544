#!/usr/bin/env -S node --import tsx
// zone-report: the batch report over taxi.zone-hourly — zones above a threshold, as JSON and SVG.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@tributary/config';
import { createKafka, defineTopic, kafkaSettings } from '@tributary/kafka';
import { taxiZoneHourly } from '@tributary/topics';
import { pino } from 'pino';
import { readZoneHourly } from './read-zone-hourly.ts';
import { buildZoneReport, type ReportBy, renderZoneReportSvg } from './zone-report.ts';

const USAGE = `usage: zone-report [--by total|hour] [--threshold N] [--topic NAME] [--json PATH] [--svg PATH]

  --by total|hour    zones by their total rides (default), or single zone-hours
  --threshold N      least rides to be listed (default 1)
  --topic NAME       compacted topic to read (default ${taxiZoneHourly.name})
  --json PATH        also write the JSON report to PATH (it always goes to stdout)
  --svg PATH         write a bar chart (default .artifacts/zone-report/zones.svg)

Kafka: TRIBUTARY_KAFKA_BROKERS etc. from the environment.`;

function fail(message: string): never {
  process.stderr.write(`zone-report: ${message}\n\n${USAGE}\n`);
  process.exit(78);
}

if (process.argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    args: process.argv.slice(2),
    options: {
      by: { type: 'string' },
      threshold: { type: 'string' },
      topic: { type: 'string' },
      json: { type: 'string' },
      svg: { type: 'string' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const by = (values.by ?? 'total') as ReportBy;
if (by !== 'total' && by !== 'hour') fail(`--by: expected total or hour, got ${JSON.stringify(values.by)}`);
const threshold = Number(values.threshold ?? '1');
if (!(Number.isFinite(threshold) && threshold >= 0))
  fail(`--threshold: expected a number ≥ 0, got ${JSON.stringify(values.threshold)}`);
let settings: { kafka: ReturnType<typeof loadConfig<{ kafka: typeof kafkaSettings }>>['kafka'] };
try {
  settings = loadConfig({ kafka: kafkaSettings });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}
const name = values.topic ?? taxiZoneHourly.name;
const topic = name === taxiZoneHourly.name ? taxiZoneHourly : defineTopic({ ...taxiZoneHourly, name });
const logger = pino({ base: { service: 'zone-report' }, level: 'warn' }, pino.destination(2));
const latest = await readZoneHourly(createKafka(settings.kafka, logger), topic);
const report = buildZoneReport(latest, by, threshold);
const svgPath = values.svg ?? '.artifacts/zone-report/zones.svg';
await mkdir(dirname(svgPath), { recursive: true });
await writeFile(svgPath, renderZoneReportSvg(report));
if (values.json !== undefined) {
  await mkdir(dirname(values.json), { recursive: true });
  await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
}
process.stdout.write(`${JSON.stringify({ ...report, svg: svgPath })}\n`);
