import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitPath, type DeltaAction, openSnapshot, type TableStorage } from '../src/index.ts';

/** A table held in memory: a snapshot needs nothing from its storage but list and get. */
class MemoryTable implements TableStorage {
  readonly location = 'memory://table';
  readonly #objects = new Map<string, Uint8Array>();

  commit(version: number, actions: readonly DeltaAction[]): void {
    const lines = actions.map((action) => JSON.stringify(action)).join('\n');
    this.#objects.set(commitPath(version), new TextEncoder().encode(lines));
  }

  async list(prefix: string): Promise<{ path: string }[]> {
    return [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).map((key) => ({ path: key }));
  }

  async get(path: string): Promise<Uint8Array | undefined> {
    return this.#objects.get(path);
  }
}

const add = (path: string) => ({
  add: { path, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true },
});
const metaData = {
  metaData: {
    id: 'm',
    format: { provider: 'parquet', options: {} },
    schemaString: '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}}]}',
    partitionColumns: [],
    configuration: {},
  },
};

describe('snapshots over any table storage', () => {
  const table = new MemoryTable();
  table.commit(0, [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, metaData, add('b'), add('a')]);
  table.commit(1, [
    { remove: { path: 'b', deletionTimestamp: 1, dataChange: true } },
    { txn: { appId: 'w', version: 3 } },
  ]);

  it('the latest version: files sorted by path, txn versions, schema', async () => {
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.location, 'memory://table');
    assert.equal(snapshot.version, 1);
    assert.equal(snapshot.checkpointVersion, undefined);
    assert.deepEqual(
      snapshot.files.map((file) => file.path),
      ['a'],
    );
    assert.deepEqual([...snapshot.transactions], [['w', 3]]);
    assert.deepEqual(snapshot.schema, [{ name: 'a', type: 'long', nullable: true }]);
  });

  it('time travel to an older version', async () => {
    const snapshot = await openSnapshot(table, { version: 0 });
    assert.deepEqual(
      snapshot.files.map((file) => file.path),
      ['a', 'b'],
    );
    assert.equal(snapshot.transactions.size, 0);
  });

  it('a table needing reader features it lacks is refused, every feature named', async () => {
    const newer = new MemoryTable();
    newer.commit(0, [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['timestampNtz', 'v2Checkpoint'],
        },
      },
      metaData,
    ]);
    await assert.rejects(openSnapshot(newer), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DELTA_UNSUPPORTED_FEATURE');
      assert.match(error.message, /"v2Checkpoint"$/);
      return true;
    });
  });
});
