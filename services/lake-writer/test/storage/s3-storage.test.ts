import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { uniqueName, waitFor } from '@tributary/testing';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { toRideRow } from '../../src/delta/taxi-table.ts';
import { S3Storage } from '../../src/storage/s3-storage.ts';
import { TableAppender } from '../../src/writer/table-appender.ts';
import { LakeFixture, produceRides } from '../integration/support.ts';
import { readWithDeltalake, sampleRides } from '../support.ts';

/**
 * MinIO is not a prerequisite of the stack (its build takes long): this suite runs when a binary is
 * at TRIBUTARY_MINIO_BIN or ~/.cache/tributary/minio/minio (`GOBIN=~/.cache/tributary/minio go
 * install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c`) and is skipped otherwise.
 */
const MINIO =
  process.env.TRIBUTARY_MINIO_BIN ?? path.join(homedir(), '.cache', 'tributary', 'minio', 'minio');
const CREDENTIALS = { accessKeyId: 'tributary', secretAccessKey: 'tributary-secret' };
const BUCKET = 'lake';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('S3Storage against a real MinIO', {
  skip: existsSync(MINIO) ? false : `no MinIO binary at ${MINIO}`,
}, () => {
  let minio: ChildProcess;
  let dataDir: string;
  let endpoint: string;

  const storage = (prefix: string) =>
    new S3Storage({
      bucket: BUCKET,
      prefix,
      endpoint,
      region: 'us-east-1',
      ...CREDENTIALS,
      forcePathStyle: true,
    });

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lake-minio-'));
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    minio = spawn(
      MINIO,
      ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', '127.0.0.1:0'],
      {
        env: {
          ...process.env,
          MINIO_ROOT_USER: CREDENTIALS.accessKeyId,
          MINIO_ROOT_PASSWORD: CREDENTIALS.secretAccessKey,
        },
        stdio: 'ignore',
      },
    );
    await waitFor(
      'MinIO to answer',
      async () =>
        (await fetch(`${endpoint}/minio/health/live`).catch(() => undefined))?.ok ? true : undefined,
      60_000,
      200,
    );
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
  });

  after(async () => {
    minio?.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('putIfAbsent creates once and then answers false (conditional PUT, If-None-Match: *)', async () => {
    const s3 = storage('conditional');
    assert.equal(await s3.get('_delta_log/00000000000000000000.json'), undefined);
    assert.equal(
      await s3.putIfAbsent('_delta_log/00000000000000000000.json', new TextEncoder().encode('a\n')),
      true,
    );
    assert.equal(
      await s3.putIfAbsent('_delta_log/00000000000000000000.json', new TextEncoder().encode('b\n')),
      false,
    );
    assert.equal(new TextDecoder().decode(await s3.get('_delta_log/00000000000000000000.json')), 'a\n');
    assert.deepEqual(
      (await s3.list('_delta_log/')).map((o) => o.path),
      ['_delta_log/00000000000000000000.json'],
    );
  });

  test('three appenders racing on S3 win distinct versions; delta-rs reads the table from MinIO', async () => {
    const rides = sampleRides(300, { seed: 41, days: 2 });
    await Promise.all(
      [0, 1, 2].map(async (w) => {
        const appender = new TableAppender(new DeltaLog(storage('taxi')), {
          maxRowsPerFile: 1000,
          writerId: `s3-${w}`,
        });
        for (let round = 0; round < 2; round++) {
          const first = w * 100 + round * 50;
          const rows = rides.slice(first, first + 50).map((ride, i) => {
            const converted = toRideRow(ride, w, String(round * 50 + i));
            assert.ok('row' in converted);
            return converted.row;
          });
          const outcome = await appender.append([
            { appId: `s3:${w}`, fromVersion: round === 0 ? undefined : 50, toVersion: round * 50 + 50, rows },
          ]);
          assert.equal(outcome.committed.length, 1);
        }
      }),
    );
    const snapshot = await new DeltaLog(storage('taxi')).update();
    assert.equal(snapshot.version, 5);
    assert.deepEqual(
      [0, 1, 2].map((w) => snapshot.txnVersion(`s3:${w}`)),
      [100, 100, 100],
    );
    const view = await readWithDeltalake(`s3://${BUCKET}/taxi`, undefined, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ALLOW_HTTP: 'true',
    });
    assert.equal(view.numRows, 300);
    assert.deepEqual(view.rows.map((r) => r[0]).sort(), rides.map((r) => r.key).sort());
  });

  test('the writer process writes to MinIO when LAKE_WRITER_TABLE_URI is s3://… (credentials from _FILE)', async () => {
    const lake = new LakeFixture();
    await lake.setUp();
    const secretDir = await mkdtemp(path.join(tmpdir(), 'lake-secret-'));
    try {
      const topic = await lake.topic('lake-s3');
      const group = uniqueName('lake-s3');
      const rides = sampleRides(3000, { seed: 43, days: 2 });
      await produceRides(lake.producer, topic, rides);
      const secretFile = path.join(secretDir, 'secret');
      await writeFile(secretFile, CREDENTIALS.secretAccessKey);
      const writer = lake.writer('lake-writer-s3', {
        topic,
        group,
        table: `s3://${BUCKET}/service/taxi_rides`,
        env: {
          LAKE_WRITER_S3_ENDPOINT: endpoint,
          LAKE_WRITER_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          LAKE_WRITER_S3_SECRET_ACCESS_KEY_FILE: secretFile,
        },
      });
      await writer.running();
      const ends = await lake.endOffsets(topic);
      await waitFor(
        'the S3 table to reach the end offsets',
        async () => {
          const snapshot = await new DeltaLog(storage('service/taxi_rides')).update();
          return ends.every((end, p) => (snapshot.txnVersion(`${group}:${topic}:${p}`) ?? 0) >= end)
            ? true
            : undefined;
        },
        120_000,
        500,
      );
      assert.equal((await writer.stop()).code, 0);
      const view = await readWithDeltalake(`s3://${BUCKET}/service/taxi_rides`, undefined, {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ALLOW_HTTP: 'true',
      });
      assert.deepEqual(view.rows.map((r) => r[0]).sort(), rides.map((r) => r.key).sort());
    } finally {
      await lake.tearDown();
      await rm(secretDir, { recursive: true, force: true });
    }
  });
});
