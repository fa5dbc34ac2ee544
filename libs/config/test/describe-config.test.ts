import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfig, env } from '../src/index.ts';

test('describeConfig lists every setting with its path, form, default and doc', () => {
  const rows = describeConfig({
    kafka: {
      brokers: env.list('TRIBUTARY_KAFKA_BROKERS', {
        default: ['127.0.0.1:19092'],
        doc: 'Bootstrap servers',
      }),
      password: env.secret('TRIBUTARY_KAFKA_SASL_PASSWORD', { optional: true, doc: 'SASL password' }),
    },
    deadline: env.duration('TRIBUTARY_SHUTDOWN_DEADLINE', { default: 90_000, doc: 'Shutdown deadline' }),
    mode: env.enum('MODE', ['a', 'b'], { doc: 'Mode' }),
  });
  assert.deepEqual(rows, [
    {
      path: 'kafka.brokers',
      variable: 'TRIBUTARY_KAFKA_BROKERS',
      type: 'list',
      expected: 'a comma-separated list',
      default: '127.0.0.1:19092',
      required: false,
      doc: 'Bootstrap servers',
    },
    {
      path: 'kafka.password',
      variable: 'TRIBUTARY_KAFKA_SASL_PASSWORD',
      type: 'secret',
      expected: 'a value, or a file named by TRIBUTARY_KAFKA_SASL_PASSWORD_FILE',
      default: undefined,
      required: false,
      doc: 'SASL password',
    },
    {
      path: 'deadline',
      variable: 'TRIBUTARY_SHUTDOWN_DEADLINE',
      type: 'duration',
      expected: 'a duration such as 500ms, 10s, 2m, 1h or plain milliseconds',
      default: '90s',
      required: false,
      doc: 'Shutdown deadline',
    },
    {
      path: 'mode',
      variable: 'MODE',
      type: 'enum',
      expected: 'one of a, b',
      default: undefined,
      required: true,
      doc: 'Mode',
    },
  ]);
});
