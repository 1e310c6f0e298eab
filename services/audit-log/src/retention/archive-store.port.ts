import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';

/**
 * Where archived partitions go. Failure kinds, as the messaging ports name them:
 * - `put` rejects: nothing is known to be stored, the archiver keeps the partition and the
 *   next run writes the archive again (writing the same key twice is allowed until the
 *   manifest, written last, exists).
 * - `get` rejects or returns other bytes: the archive did not verify, the partition stays.
 * There is no delete: an archive outlives the database rows it replaced. In production
 * the store is an object storage bucket with object lock (S3 Object Lock in compliance mode,
 * GCS retention policy, Azure immutable blob), an adapter of the same two methods.
 */
export interface ArchiveStore {
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Where `key` lives, for the log and the report (never a credential). */
  locationOf(key: string): string;
}

/** A directory (a mounted volume, or a test's temporary directory): fsynced, atomic renames. */
export class DirectoryArchiveStore implements ArchiveStore {
  constructor(private readonly root: string) {}

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.partial`;
    const file = await open(partial, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(partial, path);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  locationOf(key: string): string {
    return this.pathOf(key);
  }

  private pathOf(key: string): string {
    const path = normalize(join(this.root, key));
    if (!path.startsWith(normalize(this.root) + sep)) {
      throw new Error(`archive key ${key} leaves the archive directory`);
    }
    return path;
  }
}
