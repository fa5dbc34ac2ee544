import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashtagTopMapping } from '../../src/mappings/index.ts';
import { toPoint } from '../../src/processors/to-point.ts';

const window = {
  windowStart: '2024-03-01T00:00:00.000Z',
  windowEnd: '2024-03-01T00:00:20.000Z',
  final: true,
};

describe('toPoint with a mapping that emits several points per record', () => {
  it('one line per rank, tags and fields per element, all at the window start', () => {
    const mapped = toPoint(hashtagTopMapping, {
      ...window,
      top: [
        { tag: 'ether', count: 3, sentiment: 0.5 },
        { tag: 'café', count: 1, sentiment: -0.25 },
      ],
    });
    assert.deepEqual(mapped, {
      ok: true,
      line: [
        'hashtag_top,rank=01 count=3i,final=T,hashtag="ether",sentiment=0.5 1709251200000',
        'hashtag_top,rank=02 count=1i,final=T,hashtag="café",sentiment=-0.25 1709251200000',
      ].join('\n'),
    });
  });

  it('an empty list or one bad element sends the whole record away, naming the element', () => {
    assert.deepEqual(toPoint(hashtagTopMapping, { ...window, top: [] }), {
      ok: false,
      reason: 'the record maps to no point',
    });
    const bad = toPoint(hashtagTopMapping, {
      ...window,
      top: [
        { tag: 'ether', count: 3, sentiment: 0.5 },
        { tag: 'nan', count: 1, sentiment: Number.NaN },
      ],
    });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.reason, /^point 1: field sentiment: expected a finite number/);
  });
});
