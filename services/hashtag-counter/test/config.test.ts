import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { invalidWindow } from '../src/config.ts';

describe('window settings', () => {
  it('accept sliding and tumbling windows', () => {
    assert.equal(invalidWindow({ windowSize: 20_000, windowSlide: 10_000 }), undefined);
    assert.equal(invalidWindow({ windowSize: 20_000, windowSlide: 20_000 }), undefined);
  });

  it('refuse a slide longer than the window, naming the variable', () => {
    assert.match(
      invalidWindow({ windowSize: 20_000, windowSlide: 30_000 }) ?? '',
      /HASHTAG_COUNTER_WINDOW_SLIDE/,
    );
    assert.match(invalidWindow({ windowSize: 20_000, windowSlide: 0 }) ?? '', /HASHTAG_COUNTER_WINDOW_SLIDE/);
  });

  it('stop the service at start-up with exit code 78 before it touches Kafka', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          HASHTAG_COUNTER_WINDOW_SLIDE: '30s',
          TRIBUTARY_HTTP_PORT: '0',
          TRIBUTARY_GRPC_PORT: '0',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(result.status, 78);
    assert.match(result.stderr, /HASHTAG_COUNTER_WINDOW_SLIDE must be above 0 and at most/);
  });
});
