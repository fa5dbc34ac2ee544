import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TableStorage } from './table-storage.ts';

/** A table in a local directory, read-only; paths are relative to it and URI-encoded, as in the log. */
export class LocalTableFiles implements TableStorage {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  /** Walks only the directory the prefix names (`_delta_log/` lists the log, not the data files). */
  async list(prefix: string): Promise<{ path: string }[]> {
    const directory = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const found: { path: string }[] = [];
    await this.#walk(directory === '' ? this.location : this.absolute(directory), found);
    return found.filter((object) => object.path.startsWith(prefix));
  }

  async get(relative: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.absolute(relative));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The file a table path names; never outside the table's directory. */
  protected absolute(relative: string): string {
    const absolute = path.resolve(this.location, decodeURIComponent(relative));
    if (!absolute.startsWith(this.location + path.sep)) {
      throw new RangeError(`path ${relative} leaves the table directory ${this.location}`);
    }
    return absolute;
  }

  async #walk(directory: string, found: { path: string }[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) await this.#walk(absolute, found);
      // Temporary files of a create-if-absent in progress are not objects yet.
      else if (entry.isFile() && !entry.name.endsWith('.tmp')) {
        found.push({ path: path.relative(this.location, absolute).split(path.sep).join('/') });
      }
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
