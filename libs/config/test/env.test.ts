import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { env, loadConfig } from '../src/index.ts';
import { problems } from './support.ts';

const doc = 'test setting';

describe('env.string', () => {
  const settings = { name: env.string('NAME', { doc }) };

  test('reads the raw text unchanged', () => {
    assert.equal(loadConfig(settings, { NAME: ' spaced ' }).name, ' spaced ');
  });

  test('is required without a default, naming the variable and its doc', () => {
    assert.deepEqual(problems(settings, {}), ['NAME: required (test setting)']);
  });
});

describe('env.int', () => {
  const settings = { timeoutMs: env.int('TIMEOUT_MS', { default: 30_000, min: 1, max: 600_000, doc }) };

  test('parses signed integers', () => {
    assert.equal(loadConfig(settings, { TIMEOUT_MS: '+250' }).timeoutMs, 250);
  });

  test('rejects non-integers with the expected range', () => {
    for (const raw of ['abc', '1.5', '1e3', '0x10']) {
      assert.deepEqual(problems(settings, { TIMEOUT_MS: raw }), [
        `TIMEOUT_MS: expected an integer from 1 to 600000, got '${raw}'`,
      ]);
    }
  });

  test('rejects values outside the range', () => {
    assert.deepEqual(problems(settings, { TIMEOUT_MS: '0' }), [
      "TIMEOUT_MS: expected an integer from 1 to 600000, got '0'",
    ]);
  });

  test('describes a one-sided range', () => {
    const atLeast = { n: env.int('N', { min: 1, doc }) };
    assert.deepEqual(problems(atLeast, { N: '-1' }), ["N: expected an integer of at least 1, got '-1'"]);
  });

  test('rejects a default outside its own range where it is declared', () => {
    assert.throws(() => env.int('N', { default: 0, min: 1, doc }), {
      name: 'TypeError',
      message: 'N: default 0 is not an integer of at least 1',
    });
  });
});

describe('env.number', () => {
  const settings = { ratio: env.number('RATIO', { default: 0.5, min: 0, max: 1, doc }) };

  test('parses decimals', () => {
    assert.equal(loadConfig(settings, { RATIO: '.25' }).ratio, 0.25);
  });

  test('rejects text and out-of-range numbers', () => {
    assert.deepEqual(problems(settings, { RATIO: 'half' }), [
      "RATIO: expected a number from 0 to 1, got 'half'",
    ]);
    assert.deepEqual(problems(settings, { RATIO: '1.5' }), [
      "RATIO: expected a number from 0 to 1, got '1.5'",
    ]);
  });
});

describe('env.port', () => {
  const settings = { port: env.port('PORT', { default: 8080, doc }) };

  test('accepts 0, which asks the OS for a free port', () => {
    assert.equal(loadConfig(settings, { PORT: '0' }).port, 0);
  });

  test('rejects values above 65535 and non-numbers', () => {
    for (const raw of ['65536', 'abc']) {
      assert.deepEqual(problems(settings, { PORT: raw }), [
        `PORT: expected a port number from 0 to 65535, got '${raw}'`,
      ]);
    }
  });
});

describe('env.bool', () => {
  const settings = { tls: env.bool('TLS', { default: false, doc }) };

  test('accepts true/false, 1/0 and yes/no in any case', () => {
    const read = (raw: string) => loadConfig(settings, { TLS: raw }).tls;
    assert.deepEqual(['true', '1', 'YES'].map(read), [true, true, true]);
    assert.deepEqual(['False', '0', 'no'].map(read), [false, false, false]);
  });

  test('rejects other words', () => {
    assert.deepEqual(problems(settings, { TLS: 'on' }), [
      "TLS: expected one of true, false, 1, 0, yes, no, got 'on'",
    ]);
  });
});

describe('env.duration', () => {
  const settings = { deadline: env.duration('DEADLINE', { default: '10s', doc }) };

  test('converts units to milliseconds', () => {
    const read = (raw: string) => loadConfig(settings, { DEADLINE: raw }).deadline;
    assert.deepEqual(
      ['500ms', '10s', '2m', '1h', '1.5s', '250'].map(read),
      [500, 10_000, 120_000, 3_600_000, 1_500, 250],
    );
  });

  test('rejects unknown units and negative durations', () => {
    for (const raw of ['10 s', '5d', '-1s']) {
      assert.deepEqual(problems(settings, { DEADLINE: raw }), [
        `DEADLINE: expected a duration such as 500ms, 10s, 2m, 1h or plain milliseconds, got '${raw}'`,
      ]);
    }
  });

  test('rejects an unparseable default where it is declared', () => {
    assert.throws(() => env.duration('D', { default: 'soon', doc }), {
      name: 'TypeError',
      message: /^D: default soon is not a duration/,
    });
  });
});

describe('env.list', () => {
  const settings = { brokers: env.list('BROKERS', { doc: 'Bootstrap servers, comma-separated host:port' }) };

  test('splits on commas, trims items and drops empty ones', () => {
    assert.deepEqual(loadConfig(settings, { BROKERS: 'a:1, b:2,' }).brokers, ['a:1', 'b:2']);
  });

  test('rejects a list with no items', () => {
    assert.deepEqual(problems(settings, { BROKERS: ' , ' }), [
      "BROKERS: expected a comma-separated list, got ' , '",
    ]);
  });

  test('is required without a default', () => {
    assert.deepEqual(problems(settings, {}), [
      'BROKERS: required (Bootstrap servers, comma-separated host:port)',
    ]);
  });
});

describe('env.enum', () => {
  const mechanisms = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;
  const settings = { mechanism: env.enum('SASL_MECHANISM', mechanisms, { default: 'none', doc }) };

  test('accepts one of the values', () => {
    const mechanism: (typeof mechanisms)[number] = loadConfig(settings, {
      SASL_MECHANISM: 'plain',
    }).mechanism;
    assert.equal(mechanism, 'plain');
  });

  test('rejects other values, case included, listing the allowed ones', () => {
    assert.deepEqual(problems(settings, { SASL_MECHANISM: 'PLAIN' }), [
      "SASL_MECHANISM: expected one of none, plain, scram-sha-256, scram-sha-512, got 'PLAIN'",
    ]);
  });
});

describe('env.custom', () => {
  const parseHostPort = (raw: string) => {
    const [host, port, ...rest] = raw.split(':');
    if (!host || port === undefined || rest.length > 0) throw new Error('missing port');
    return { host, port: Number(port) };
  };
  const settings = {
    endpoint: env.custom('ENDPOINT', { parse: parseHostPort, expected: 'a host:port', doc }),
  };

  test('returns what the parser returns', () => {
    assert.deepEqual(loadConfig(settings, { ENDPOINT: 'kafka:9092' }).endpoint, {
      host: 'kafka',
      port: 9092,
    });
  });

  test("names the variable and shows the parser's reason when it throws", () => {
    assert.deepEqual(problems(settings, { ENDPOINT: 'kafka' }), [
      "ENDPOINT: expected a host:port, got 'kafka' (missing port)",
    ]);
  });
});

describe('unset values', () => {
  test('an empty string counts as unset', () => {
    const settings = { id: env.string('ID', { default: 'fallback', doc }), port: env.port('P', { doc }) };
    assert.equal(loadConfig(settings, { ID: '', P: '1' }).id, 'fallback');
    assert.deepEqual(problems(settings, { P: '' }), ['P: required (test setting)']);
  });

  test('optional settings load as undefined', () => {
    const settings = { user: env.string('USER_NAME', { optional: true, doc }) };
    const user: string | undefined = loadConfig(settings, {}).user;
    assert.equal(user, undefined);
  });

  test('defaults apply when unset, already in their loaded form', () => {
    const settings = {
      brokers: env.list('BROKERS', { default: ['127.0.0.1:19092'], doc }),
      deadline: env.duration('DEADLINE', { default: '2m', doc }),
      tls: env.bool('TLS', { default: false, doc }),
    };
    assert.deepEqual(loadConfig(settings, {}), {
      brokers: ['127.0.0.1:19092'],
      deadline: 120_000,
      tls: false,
    });
  });

  test('a long raw value is shortened in the message', () => {
    const [line = ''] = problems({ n: env.int('N', { doc }) }, { N: 'x'.repeat(500) });
    assert.equal(line, `N: expected an integer, got '${'x'.repeat(80)}…'`);
  });
});
