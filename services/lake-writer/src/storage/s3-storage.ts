import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectStorage, StoredObject } from './object-storage.ts';

export interface S3Location {
  readonly bucket: string;
  /** Key prefix of the table, without a trailing slash ('' for the bucket root). */
  readonly prefix: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly forcePathStyle: boolean;
}

/**
 * A table under an S3 prefix. Commits rely on conditional writes (`If-None-Match: *`), which AWS
 * S3 and recent MinIO honour: a taken name answers 412 and the writer moves to the next version.
 */
export class S3Storage implements ObjectStorage {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3Location) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix === '' ? '' : `${options.prefix.replace(/\/+$/, '')}/`;
    this.location = `s3://${options.bucket}/${this.#prefix}`;
    this.#client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    });
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        found.push({
          path: object.Key.slice(this.#prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified?.getTime() ?? 0,
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async get(path: string): Promise<Uint8Array | undefined> {
    try {
      const answer = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(path) }),
      );
      return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (
        error instanceof S3ServiceException &&
        (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: this.#key(path), Body: bytes }),
    );
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean> {
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.#bucket, Key: this.#key(path), Body: bytes, IfNoneMatch: '*' }),
      );
      return true;
    } catch (error) {
      // 412: the name is taken. 409: a concurrent conditional write to the same name is in flight;
      // one of them wins, so this one counts as lost and re-reads.
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }

  async delete(path: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(path) }));
  }

  #key(path: string): string {
    return this.#prefix + decodeURIComponent(path);
  }
}
