import { randomUUID } from 'node:crypto';
import { link, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalTableFiles } from '@tributary/delta';
import type { ObjectStorage, StoredObject } from './object-storage.ts';

/** A table in a local directory: the log's local files, plus writes. */
export class LocalStorage extends LocalTableFiles implements ObjectStorage {
  /** A file that went away between listing and stat (vacuumed, a temporary renamed) is left out. */
  override async list(prefix: string): Promise<StoredObject[]> {
    const found = await Promise.all(
      (await super.list(prefix)).map(async ({ path: relative }) => {
        // Listed paths are file names as they are, not URI-encoded like the log's.
        const info = await stat(path.join(this.location, relative)).catch(() => undefined);
        return info && { path: relative, size: info.size, lastModified: info.mtimeMs };
      }),
    );
    return found.filter((object) => object !== undefined);
  }

  async put(relative: string, bytes: Uint8Array): Promise<void> {
    const target = this.absolute(relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }

  /**
   * The bytes go to a private temporary file first and are then hard-linked into place: `link`
   * fails with EEXIST when the name is taken, and a reader never sees a half-written commit.
   */
  async putIfAbsent(relative: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.absolute(relative);
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
      await unlink(this.absolute(relative));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
