import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly service: string;
  readonly instance: string;
  readonly level: LevelWithSilent;
  /** File descriptor to write to: 1 (stdout) for the service's log, 2 for a start-up failure. */
  readonly fd?: number;
}

/** JSON lines carrying `service` and `instance`; add topic/partition/offset with `logger.child(…)`. */
export function createLogger({ service, instance, level, fd = 1 }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service, instance },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers: people and log pipelines both read 'warn' more easily than 40.
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous, so the lines written just before process.exit() are not lost.
    pino.destination({ dest: fd, sync: true }),
  );
}
