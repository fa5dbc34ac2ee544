#!/usr/bin/env -S node --import tsx
// taxi-replayer: wiring only. Flags say what to replay and how fast (see USAGE), TRIBUTARY_KAFKA_* where to.
import { ConfigError, loadConfig } from '@tributary/config';
import { createKafka } from '@tributary/kafka';
import { pino } from 'pino';
import { CheckpointMismatchError } from './checkpoint.ts';
import {
  parseReplayArgs,
  type ReplayerSettings,
  type ReplayOptions,
  replayerSettings,
  USAGE,
  UsageError,
} from './config.ts';
import { replay } from './replay.ts';

const EXIT_CONFIG = 78;

let options: ReplayOptions;
let settings: ReplayerSettings;
try {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  options = parseReplayArgs(process.argv.slice(2));
  settings = loadConfig(replayerSettings);
} catch (error) {
  if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
  process.stderr.write(`taxi-replayer: ${error.message}\n\n${USAGE}\n`);
  process.exit(EXIT_CONFIG);
}

// Progress and logs go to stderr: stdout stays free for the final report.
const logger = pino({ base: { service: 'taxi-replayer' }, level: settings.logLevel }, pino.destination(2));
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping: flushing what was read, then checkpointing');
    abort.abort();
  });
}
try {
  const report = await replay(options, {
    kafka: createKafka(settings.kafka, logger),
    logger,
    replicationFactor: settings.kafka.replicationFactor,
    signal: abort.signal,
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
} catch (error) {
  if (!(error instanceof CheckpointMismatchError)) throw error;
  process.stderr.write(`taxi-replayer: ${error.message}\n`);
  process.exit(EXIT_CONFIG);
}
