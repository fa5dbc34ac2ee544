import { readStackState } from '@tributary/local-stack';
import { pino } from 'pino';
import { roundTrip } from './round-trip.ts';

const logger = pino({ level: process.env.TRIBUTARY_LOG_LEVEL ?? 'warn' });
const stack = await readStackState();

console.log('Tributary demo: a round trip through the real broker at', stack.kafka.brokers.join(', '));
const summary = await roundTrip(stack, logger, 20_000);
console.log(
  [
    `  produced       ${summary.produced} records (+${summary.malformed} malformed on purpose)`,
    `  consumed       ${summary.consumed} records in ${summary.seconds.toFixed(2)} s (${Math.round(summary.consumed / summary.seconds)}/s)`,
    `  dead-lettered  ${summary.deadLettered} records → demo.greetings.dlq (origin and reason in headers)`,
    `  latency        p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms (produce → consumed)`,
  ].join('\n'),
);
