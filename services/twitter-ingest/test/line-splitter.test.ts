import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../src/stream/line-splitter.ts';

describe('LineSplitter', () => {
  it('joins lines cut across chunks, even inside a UTF-8 character, and keeps keep-alives as empty lines', () => {
    const bytes = Buffer.from('{"a":"#日本"}\r\n\r\n{"b":"café"}\r\n{"c":', 'utf8');
    const splitter = new LineSplitter();
    const lines: string[] = [];
    // Every single byte its own chunk: the worst a network can do.
    for (const byte of bytes) lines.push(...splitter.push(Uint8Array.of(byte)));
    assert.deepEqual(lines, ['{"a":"#日本"}', '', '{"b":"café"}']);
    assert.equal(splitter.remainder, '{"c":');
  });
});
