import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalTableFiles } from '../src/index.ts';

describe('a table in a local directory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'delta-files-'));
    await mkdir(path.join(dir, '_delta_log'));
    await mkdir(path.join(dir, 'd=a b'));
    await writeFile(path.join(dir, '_delta_log', '00000000000000000000.json'), '{}\n');
    await writeFile(path.join(dir, '_delta_log', '.00000000000000000001.json.x.tmp'), '{}\n');
    await writeFile(path.join(dir, 'd=a b', 'f.parquet'), 'PAR1');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lists the paths under a prefix, without temporary files', async () => {
    const files = new LocalTableFiles(dir);
    assert.deepEqual(await files.list('_delta_log/'), [{ path: '_delta_log/00000000000000000000.json' }]);
    assert.deepEqual((await files.list('')).map((object) => object.path).sort(), [
      '_delta_log/00000000000000000000.json',
      'd=a b/f.parquet',
    ]);
    assert.deepEqual(await new LocalTableFiles(path.join(dir, 'absent')).list('_delta_log/'), []);
  });

  it('gets a file by its URI-encoded table path; an absent one is undefined; none outside the table', async () => {
    const files = new LocalTableFiles(dir);
    assert.equal(new TextDecoder().decode(await files.get('d=a%20b/f.parquet')), 'PAR1');
    assert.equal(await files.get('_delta_log/00000000000000000009.json'), undefined);
    await assert.rejects(files.get('../outside'), RangeError);
  });
});
