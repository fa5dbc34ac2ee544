import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A record as the bench hands it to every client: a short string key and an opaque value. */
export interface BenchRecord {
  readonly key: string;
  readonly value: Buffer;
}

export interface BenchProducer {
  /** Resolves once every record is acknowledged by the broker (acks=all). */
  send(topic: string, records: BenchRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Where a consumer reports what its handler saw. */
export interface RecordSink {
  /** Called once per batch the handler got, with its record count. */
  received(count: number): void;
  /** Latency runs only: each record's value, as the handler gets it. */
  readonly inspect?: (value: Buffer) => void;
}

export interface BenchConsumer {
  /** Resolves once the group has assigned this member its partitions. */
  readonly joined: Promise<void>;
  /** Offset commits requested so far. */
  commits(): number;
  stop(): Promise<void>;
}

/** One contender: how it produces and consumes, behind the same small interface. */
export interface BenchClient {
  readonly description: string;
  /** What differs from the other contenders, for the report. */
  readonly notes: readonly string[];
  openProducer(): Promise<BenchProducer>;
  /** Joins `groupId` on `topic` from the earliest offset and hands every batch to the sink. */
  consume(topic: string, groupId: string, sink: RecordSink): Promise<BenchConsumer>;
}

/** Settings every Node contender gets alike, mirroring what our layer sets on kafkajs. */
export const CLIENT_SETTINGS = {
  consumerMaxWaitMs: 250,
  consumerMaxBytesPerPartition: 2 * 1024 * 1024,
  sessionTimeoutMs: 30_000,
} as const;

const require = createRequire(import.meta.url);

/** The installed version of a package, read from its package.json next to its entry point. */
export function installedVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // no package.json here: keep walking up
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
