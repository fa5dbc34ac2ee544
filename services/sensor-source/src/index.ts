#!/usr/bin/env -S node --import tsx
// sensor-source: wiring only. Flags say what to produce (see USAGE), TRIBUTARY_KAFKA_* where to.
import { ConfigError, loadConfig } from '@tributary/config';
import { createKafka } from '@tributary/kafka';
import { pino } from 'pino';
import {
  parseSourceArgs,
  type SourceOptions,
  type SourceSettings,
  sourceSettings,
  USAGE,
  UsageError,
} from './config.ts';
import { runSource } from './run.ts';

const EXIT_CONFIG = 78;

let options: SourceOptions;
let settings: SourceSettings;
try {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  options = parseSourceArgs(process.argv.slice(2));
  settings = loadConfig(sourceSettings);
} catch (error) {
  if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
  process.stderr.write(`sensor-source: ${error.message}\n\n${USAGE}\n`);
  process.exit(EXIT_CONFIG);
}

// Progress and logs go to stderr: stdout stays free for the final report.
const logger = pino({ base: { service: 'sensor-source' }, level: settings.logLevel }, pino.destination(2));
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping: flushing what was read');
    abort.abort();
  });
}
logger.info({ ...options, brokers: settings.kafka.brokers }, 'source starting');
const report = await runSource(options, {
  kafka: createKafka(settings.kafka, logger),
  logger,
  replicationFactor: settings.kafka.replicationFactor,
  signal: abort.signal,
});
process.stdout.write(`${JSON.stringify(report)}\n`);
