/**
 * ReaderTable: which manifest generations live reader processes still read,
 * so that a writer never reuses a data-file slot one of them may need.
 *
 * ```
 *  DIR/readers/r-<pid>-<random>   8 bytes: f64 generation (0 = "not known yet: keep everything")
 * ```
 * A reader creates its file under a temporary name, takes a shared flock on
 * it, writes generation 0 and only then renames it into `readers/`, so the
 * writer never sees a claim it could mistake for a dead one. It then reads
 * the manifest and writes that manifest's generation (its first WAL segment
 * number, which grows by one per checkpoint). The lock lives as long as the
 * reader's descriptor: a reader that crashes loses it with its process, and
 * the next writer scan finds the file lockable, removes it, and stops
 * pinning space for it.
 *
 * A writer asks `oldestGeneration()`: the smallest generation of any live
 * claim (Infinity when there is none). Slots that stopped being named at
 * generation G may be reused once that answer is at least G.
 */
import { mkdirSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HoltError } from '../errors.js';
import { isIoError } from '../io/errors.js';
import type { FileHandle, Io } from '../io/types.js';

const READERS_DIR = 'readers';
const CLAIM_RE = /^r-\d+-[0-9a-f]+$/;

/** One reader's claim: held until `release`. */
export class ReaderClaim {
  private readonly file: FileHandle;
  readonly path: string;
  private readonly bytes = new Uint8Array(8);

  constructor(file: FileHandle, path: string) {
    this.file = file;
    this.path = path;
  }

  /** The reader now reads the manifest of `generation` (and the WAL from its segment on). */
  setGeneration(generation: number): void {
    new DataView(this.bytes.buffer).setFloat64(0, generation, true);
    this.file.pwrite(this.bytes, 0);
  }

  release(): void {
    try { unlinkSync(this.path); } catch { /* a writer may have removed it already */ }
    try { this.file.close(); } catch { /* closed */ }
  }
}

export class ReaderTable {
  private readonly dir: string;
  private readonly io: Io;

  constructor(dbDir: string, io: Io) {
    this.dir = join(dbDir, READERS_DIR);
    this.io = io;
  }

  /** Register a reader at generation 0 (pins everything until it says which manifest it read). */
  register(): ReaderClaim {
    mkdirSync(this.dir, { recursive: true });
    const name = `r-${process.pid}-${randomBytes(6).toString('hex')}`;
    const tmp = join(this.dir, `.${name}.tmp`);
    const file = this.io.open(tmp, { create: true });
    try {
      file.lock('shared');
      const claim = new ReaderClaim(file, join(this.dir, name));
      claim.setGeneration(0);
      renameSync(tmp, claim.path);
      return claim;
    } catch (e) {
      try { file.close(); } catch { /* closed */ }
      try { unlinkSync(tmp); } catch { /* not created */ }
      throw new HoltError('IO_ERROR', `cannot register a reader in ${this.dir}: ${(e as Error).message}`, { file: this.dir, cause: e });
    }
  }

  /**
   * The oldest generation a live reader reads (Infinity when none). Claims
   * whose lock is free belong to dead readers and are removed on the way.
   */
  oldestGeneration(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return Infinity; // no reader ever registered
    }
    let oldest = Infinity;
    const bytes = new Uint8Array(8);
    for (const name of names) {
      if (!CLAIM_RE.test(name)) continue;
      const path = join(this.dir, name);
      let f: FileHandle;
      try {
        f = this.io.open(path, {});
      } catch {
        continue; // released meanwhile
      }
      try {
        f.lock('exclusive');
        // Nobody holds it: the reader is gone.
        try { unlinkSync(path); } catch { /* removed meanwhile */ }
        continue;
      } catch (e) {
        if (!isIoError(e, 'LOCKED')) continue;
        const n = f.pread(bytes, 0, 8);
        const gen = n === 8 ? new DataView(bytes.buffer).getFloat64(0, true) : 0;
        oldest = Math.min(oldest, Number.isFinite(gen) ? gen : 0);
      } finally {
        try { f.close(); } catch { /* closed */ }
      }
    }
    return oldest;
  }
}
