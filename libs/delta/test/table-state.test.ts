import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddAction, TableState } from '../src/index.ts';

const add = (path: string, rows: number): AddAction => ({
  path,
  partitionValues: {},
  size: 1,
  modificationTime: 0,
  dataChange: true,
  stats: JSON.stringify({ numRecords: rows }),
});

describe('replaying actions into a table state', () => {
  it('live files are adds not removed since, keyed by decoded path; removes become tombstones', () => {
    const state = new TableState();
    state.apply(0, [{ add: add('d=a%20b/1.parquet', 3) }, { add: add('d=x/2.parquet', 4) }]);
    state.apply(1, [{ remove: { path: 'd=a b/1.parquet', deletionTimestamp: 9, dataChange: true } }]);
    assert.equal(state.version, 1);
    assert.deepEqual([...state.files.keys()], ['d=x/2.parquet']);
    assert.equal(state.tombstones.get('d=a b/1.parquet')?.deletionTimestamp, 9);
    assert.equal(state.rowCount(), 4);
    state.apply(2, [{ add: add('d=a b/1.parquet', 3) }]);
    assert.equal(state.tombstones.size, 0, 'a file added again is no tombstone');
  });

  it('the latest txn per appId, metaData and protocol win', () => {
    const state = new TableState();
    state.apply(0, [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { txn: { appId: 'a', version: 5 } },
    ]);
    state.apply(1, [
      { txn: { appId: 'a', version: 8 } },
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
    ]);
    assert.equal(state.txnVersion('a'), 8);
    assert.equal(state.txnVersion('b'), undefined);
    assert.equal(state.protocol?.minReaderVersion, 2);
    assert.equal(state.metadata, undefined);
  });
});
