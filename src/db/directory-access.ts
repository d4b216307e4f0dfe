/**
 * DirectoryAccess: how a process holds a database directory.
 *
 * The writer holds an exclusive flock on DIR/LOCK (one writer per directory:
 * a second one gets LOCKED). A reader never takes that lock, so it opens
 * beside a live writer; it registers a claim in DIR/readers/ instead
 * (reader-table.ts), which tells the writer which slots to keep.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import { isIoError } from '../io/errors.js';
import type { FileHandle, Io } from '../io/types.js';
import { ReaderTable, type ReaderClaim } from './reader-table.js';

const LOCK_FILE = 'LOCK';

export class DirectoryAccess {
  /** The writer's lock; null for a reader. */
  private readonly lock: FileHandle | null;
  /** A reader's claim; null for the writer. */
  readonly claim: ReaderClaim | null;
  readonly readers: ReaderTable;

  private constructor(lock: FileHandle | null, claim: ReaderClaim | null, readers: ReaderTable) {
    this.lock = lock;
    this.claim = claim;
    this.readers = readers;
  }

  /** Take the directory as its writer, or register as a reader. */
  static take(dir: string, io: Io, readOnly: boolean): DirectoryAccess {
    if (!existsSync(dir)) {
      if (readOnly) throw new HoltError('NOT_FOUND', `no database at ${dir}`);
      mkdirSync(dir, { recursive: true });
    }
    const readers = new ReaderTable(dir, io);
    if (readOnly) return new DirectoryAccess(null, readers.register(), readers);
    // The writer makes the readers' directory, so that a reader adds nothing but its claim.
    mkdirSync(join(dir, 'readers'), { recursive: true });
    const lock = io.open(join(dir, LOCK_FILE), { create: true });
    try {
      lock.lock('exclusive');
    } catch (e) {
      lock.close();
      if (isIoError(e, 'LOCKED')) throw new HoltError('LOCKED', `${dir} is in use by another writer`, { file: join(dir, LOCK_FILE) });
      throw new HoltError('IO_ERROR', `cannot lock ${dir}: ${(e as Error).message}`, { cause: e });
    }
    return new DirectoryAccess(lock, null, readers);
  }

  /** A reader now reads the manifest of `generation`. */
  readsGeneration(generation: number): void {
    this.claim?.setGeneration(generation);
  }

  release(): void {
    this.claim?.release();
    try { this.lock?.close(); } catch { /* closed */ }
  }
}
