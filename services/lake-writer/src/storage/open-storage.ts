import type { TableConfig } from '../config.ts';
import { LocalStorage } from './local-storage.ts';
import type { ObjectStorage } from './object-storage.ts';
import { S3Storage } from './s3-storage.ts';

/** The storage named by LAKE_WRITER_TABLE_URI: `s3://bucket/prefix`, or else a local directory. */
export function openStorage(table: TableConfig): ObjectStorage {
  const s3 = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(table.uri);
  if (!s3) return new LocalStorage(table.uri.replace(/^file:\/\//, ''));
  return new S3Storage({
    bucket: s3[1] as string,
    prefix: (s3[2] ?? '').replace(/\/+$/, ''),
    endpoint: table.s3.endpoint,
    region: table.s3.region,
    accessKeyId: table.s3.accessKeyId,
    secretAccessKey: table.s3.secretAccessKey,
    forcePathStyle: table.s3.forcePathStyle,
  });
}
