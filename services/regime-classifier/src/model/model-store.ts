import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { DecodeError, jsonCodec } from '@tributary/schemas';
import { tf } from './backend.ts';
import { ModelMetadata, RegimeModel } from './regime-model.ts';

/** A model version that cannot be read; `retriable` when it may still be being written. */
export class ModelStoreError extends Error {
  readonly code: 'MODEL_NOT_FOUND' | 'MODEL_INVALID';
  readonly retriable: boolean;
  readonly version: string | undefined;

  constructor(code: ModelStoreError['code'], message: string, version?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelStoreError';
    this.code = code;
    this.retriable = code === 'MODEL_NOT_FOUND';
    this.version = version;
  }
}

const VERSION_PATTERN = /^\d{1,15}$/;
const FILES = { topology: 'model.json', weights: 'weights.bin', metadata: 'metadata.json' } as const;
const metadataCodec = jsonCodec(ModelMetadata);

function versionName(value: number): string {
  return String(value).padStart(6, '0');
}

async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The weights of a model as one buffer, and their manifest, via tfjs's in-memory save handler. */
async function serialise(network: tf.LayersModel): Promise<{ modelJson: unknown; weights: Uint8Array }> {
  let captured: tf.io.ModelArtifacts | undefined;
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (captured?.weightData === undefined || captured.weightSpecs === undefined) {
    throw new Error('tfjs returned no weights for the model');
  }
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData));
  // The layout tf.loadLayersModel('file://…/model.json') reads too.
  const modelJson = {
    format: 'layers-model',
    generatedBy: captured.generatedBy,
    convertedBy: null,
    modelTopology: captured.modelTopology,
    weightsManifest: [{ paths: [FILES.weights], weights: captured.weightSpecs }],
  };
  return { modelJson, weights };
}

/**
 * Versioned models in a directory: `<dir>/<version>/{model.json, weights.bin, metadata.json}`, versions
 * being increasing integers (000001, 000002, …). A version is written into a hidden temporary directory
 * and renamed into place, so a reader (or a watcher) sees either no version or a whole one.
 */
export class ModelStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Complete versions, oldest first. Temporary directories (dot-names) are never listed. */
  async listVersions(): Promise<string[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isDirectory() && VERSION_PATTERN.test(entry.name))
      .map((entry) => entry.name)
      .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  }

  async latestVersion(): Promise<string | undefined> {
    return (await this.listVersions()).at(-1);
  }

  /** Writes a new version and returns its name. Concurrent writers get distinct versions. */
  async save(network: tf.LayersModel, metadata: Omit<ModelMetadata, 'version'>): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const { modelJson, weights } = await serialise(network);
    const temporary = join(this.dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(temporary);
    try {
      await writeDurably(join(temporary, FILES.topology), JSON.stringify(modelJson));
      await writeDurably(join(temporary, FILES.weights), weights);
      for (let attempt = 0; attempt < 100; attempt++) {
        const latest = await this.latestVersion();
        const version = versionName(latest === undefined ? 1 : Number(latest) + 1);
        const full: ModelMetadata = { ...metadata, version } as ModelMetadata;
        await writeDurably(join(temporary, FILES.metadata), `${JSON.stringify(full, null, 2)}\n`);
        try {
          // rename(2) onto an existing non-empty directory fails: a concurrent writer took this number.
          await fs.rename(temporary, join(this.dir, version));
          return version;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        }
      }
      throw new Error(`could not claim a version in ${this.dir} after 100 attempts`);
    } catch (error) {
      await fs.rm(temporary, { recursive: true, force: true });
      throw error;
    }
  }

  async readMetadata(version: string): Promise<ModelMetadata> {
    const path = join(this.dir, version, FILES.metadata);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path);
    } catch (error) {
      throw new ModelStoreError('MODEL_NOT_FOUND', `no model version ${version} in ${this.dir}`, version, {
        cause: error,
      });
    }
    try {
      const metadata = metadataCodec.decode(bytes);
      if (metadata.version !== version) throw new Error(`metadata says version ${metadata.version}`);
      return metadata;
    } catch (error) {
      const reason = error instanceof DecodeError || error instanceof Error ? error.message : String(error);
      throw new ModelStoreError('MODEL_INVALID', `${path}: ${reason}`, version, { cause: error });
    }
  }

  /** Loads a version (default: the latest) into a {@link RegimeModel} on the current backend. */
  async load(version?: string): Promise<RegimeModel> {
    const resolved = version ?? (await this.latestVersion());
    if (resolved === undefined)
      throw new ModelStoreError('MODEL_NOT_FOUND', `no model versions in ${this.dir}`);
    const metadata = await this.readMetadata(resolved);
    const dir = join(this.dir, resolved);
    try {
      const modelJson = JSON.parse(await fs.readFile(join(dir, FILES.topology), 'utf8')) as {
        modelTopology: object;
        weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
      };
      const weights = await fs.readFile(join(dir, FILES.weights));
      const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
      const network = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: modelJson.modelTopology,
          weightSpecs,
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
      );
      return new RegimeModel(metadata, network);
    } catch (error) {
      throw new ModelStoreError('MODEL_INVALID', `${dir}: ${(error as Error).message}`, resolved, {
        cause: error,
      });
    }
  }
}
