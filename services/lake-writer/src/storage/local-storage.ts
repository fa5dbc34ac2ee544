import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStorage, StoredObject } from './object-storage.ts';

/** A table in a local directory. */
export class LocalStorage implements ObjectStorage {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    await this.#walk(this.location, found);
    return found.filter((object) => object.path.startsWith(prefix));
  }

  async get(relative: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#absolute(relative));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async put(relative: string, bytes: Uint8Array): Promise<void> {
    const target = this.#absolute(relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }

  /**
   * The bytes go to a private temporary file first and are then hard-linked into place: `link`
   * fails with EEXIST when the name is taken, and a reader never sees a half-written commit.
   */
  async putIfAbsent(relative: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.#absolute(relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    await writeFile(temporary, bytes, { flag: 'wx' });
    try {
      await link(temporary, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary);
    }
  }

  async delete(relative: string): Promise<void> {
    try {
      await unlink(this.#absolute(relative));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  #absolute(relative: string): string {
    const absolute = path.resolve(this.location, decodeURIComponent(relative));
    if (!absolute.startsWith(this.location + path.sep)) {
      throw new RangeError(`path ${relative} leaves the table directory ${this.location}`);
    }
    return absolute;
  }

  async #walk(directory: string, found: StoredObject[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        await this.#walk(absolute, found);
      } else if (entry.isFile() && !entry.name.endsWith('.tmp')) {
        const info = await stat(absolute).catch(() => undefined);
        if (!info) continue;
        found.push({
          path: path.relative(this.location, absolute).split(path.sep).join('/'),
          size: info.size,
          lastModified: info.mtimeMs,
        });
      }
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
