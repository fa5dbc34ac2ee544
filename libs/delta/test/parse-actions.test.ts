import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeltaAction } from '../src/index.ts';
import { parseAction, parseCommit } from '../src/parse-actions.ts';

const encode = (lines: readonly unknown[]) =>
  new TextEncoder().encode(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);

describe('parsing log actions', () => {
  it('a commit as a writer serialises it parses back to the same actions', () => {
    const actions: DeltaAction[] = [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 'id-1',
          name: 't',
          format: { provider: 'parquet', options: {} },
          schemaString: '{"type":"struct","fields":[]}',
          partitionColumns: ['d'],
          configuration: {},
          createdTime: 5,
        },
      },
      { txn: { appId: 'app:0', version: 42, lastUpdated: 7 } },
      {
        add: {
          path: 'd=1/a.parquet',
          partitionValues: { d: '1' },
          size: 10,
          modificationTime: 3,
          dataChange: true,
          stats: '{"numRecords":2}',
        },
      },
      { remove: { path: 'd=1/b.parquet', deletionTimestamp: 4, dataChange: false, size: 9 } },
      { commitInfo: { operation: 'WRITE' } },
    ];
    assert.deepEqual(parseCommit(encode(actions), 'c.json'), actions);
  });

  it('actions it does not know are skipped, blank lines too', () => {
    const bytes = encode([
      { cdc: { path: 'x' } },
      { domainMetadata: { domain: 'd' } },
      { txn: { appId: 'a', version: 1 } },
    ]);
    assert.deepEqual(parseCommit(bytes, 'c.json'), [{ txn: { appId: 'a', version: 1 } }]);
  });

  it('checkpoint rows (bigint longs, null columns) parse like commit lines', () => {
    const row = { add: null, remove: null, txn: { appId: 'a', version: 9n, lastUpdated: null } };
    assert.deepEqual(parseAction(row, 'cp row 0'), { txn: { appId: 'a', version: 9 } });
  });

  it('a line that is not a JSON object, or an action without its path, is a corrupt log named by line', () => {
    const rejects = (bytes: Uint8Array, pattern: RegExp) =>
      assert.throws(
        () => parseCommit(bytes, 'c.json'),
        (error: Error & { code?: string }) =>
          error.code === 'DELTA_CORRUPT_LOG' && pattern.test(error.message),
      );
    rejects(new TextEncoder().encode('{"txn":'), /^c\.json:1: not JSON/);
    rejects(
      encode([{ txn: { appId: 'a', version: 1 } }, 'add']),
      /^c\.json:2: an action must be a JSON object/,
    );
    rejects(encode([{ add: { size: 1 } }]), /^c\.json:1: action field path is not a string/);
  });
});
