/**
 * HoltLevel: an `abstract-level` 3.x database over one Holt tree, so that code written
 * for the Level interface (classic-level, memory-level, sublevels, encodings,
 * level-read-stream) runs on Holt.
 *
 * abstract-level owns the public API (encodings, sublevels, hooks, events, deferred
 * open); this class implements its private methods. Holt reads and writes are
 * synchronous, so every private method completes before the promise it returns, which
 * makes get/getMany/has implicit snapshots for free. Iterators get theirs from a
 * SnapshotOverlay (see range-cursor.ts); explicit snapshots are the same overlay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AbstractLevel, type AbstractSnapshot } from 'abstract-level';
import type {
  AbstractBatchOperation, AbstractBatchOptions, AbstractChainedBatch, AbstractDatabaseOptions, AbstractDelOptions, AbstractOpenOptions,
  AbstractPutOptions,
} from 'abstract-level';
import { DB } from '../api/db.js';
import type { DBOptions } from '../shapes/options.js';
import type { Tree } from '../api/tree.js';
import { inFormat, maybeInFormat, type CursorEntry, type LevelBytes, type Stored } from './bytes.js';
import { HoltSnapshot } from './holt-snapshot.js';
import { HoltIterator, HoltKeyIterator, HoltValueIterator, type CursorSource, type Project } from './iterators.js';
import { KeyRange, type LevelRangeOptions } from './key-range.js';
import { EMPTY_KEY_TREE, LevelStore, type LevelWrite } from './level-store.js';
import { holtLevelManifest } from './manifest.js';
import { RangeCursor } from './range-cursor.js';

/** The tree a HoltLevel uses when the `tree` option is not given. */
export const DEFAULT_LEVEL_TREE = 'level';

/** Keys deleted per Holt batch by `clear()`; between batches it lets other work run. */
const CLEAR_CHUNK = 1024;

const DB_OPTION_NAMES = ['durability', 'readOnly', 'cacheMB', 'checkpoint', 'io'] as const;

/** The `DB.open` options a HoltLevel passes through when it opens a directory. */
export type HoltDBOptions = Pick<DBOptions, (typeof DB_OPTION_NAMES)[number]>;

/** Options of `new HoltLevel(location, options)`. */
export interface HoltLevelOptions<K = string, V = string> extends AbstractDatabaseOptions<K, V>, HoltDBOptions {
  /** The Holt tree that holds the entries (default `'level'`); one database can hold several. */
  tree?: string;
}

/** Write options HoltLevel adds to abstract-level's `put`, `del` and `batch`. */
export interface HoltWriteOptions {
  /**
   * Resolve only once this write and every earlier one is durable (`db.sync()` after it;
   * concurrent callers share one fdatasync). Without it a write is durable after the next
   * sync or checkpoint, as with `durability: 'fast'` (the default).
   */
  sync?: boolean;
}

/** What `_open` receives: abstract-level's options, and any Holt options given to `open()`. */
interface OpenOptions extends HoltDBOptions {
  createIfMissing: boolean;
  errorIfExists: boolean;
}

/** The `DB.open` options set in `options` (DB.open rejects names it does not know, like LevelDB's `cacheSize`). */
function holtOptions(options: HoltDBOptions): HoltDBOptions {
  const out: Record<string, unknown> = {};
  for (const name of DB_OPTION_NAMES) if (options[name] !== undefined) out[name] = options[name];
  return out as HoltDBOptions;
}

/** What the private read methods receive: encoding formats and, maybe, an explicit snapshot. */
interface ReadOptions {
  keyEncoding?: string;
  valueEncoding?: string;
  snapshot?: AbstractSnapshot;
}

interface CursorOptions extends ReadOptions, LevelRangeOptions {
  reverse?: boolean;
  limit?: number;
  keys?: boolean;
  values?: boolean;
}

/** Point reads, from the live tree or from an explicit snapshot. */
interface KeyReader {
  get(key: LevelBytes): Stored;
  has(key: LevelBytes): boolean;
}

/**
 * An abstract-level database over one Holt tree: `new HoltLevel('./data')` for a directory,
 * `new HoltLevel(DB.memory())` in memory, `new HoltLevel(db, { tree })` beside other users of
 * a DB. Everything abstract-level offers works on it; docs/LEVEL.md says what differs from
 * classic-level.
 */
export class HoltLevel<KDefault = string, VDefault = string> extends AbstractLevel<string | Buffer | Uint8Array, KDefault, VDefault> {
  /** The directory of a file database; undefined when the database was given as a DB. */
  readonly location: string | undefined;
  /** The Holt tree that holds the entries. */
  readonly treeName: string;
  private readonly given: DB | undefined;
  /** The constructor's DB.open options; `open()` may add to them. */
  private readonly dbOptions: HoltDBOptions;
  private session: LevelStore | null = null;
  private readonly clearing = new Set<Promise<void>>();

  /**
   * @param location a directory (opened with `DB.open` on `open()` and closed on `close()`),
   *   or an open Holt `DB` (for example `DB.memory()`), which HoltLevel uses but never closes
   * @param options abstract-level's options (`keyEncoding`, `valueEncoding`, `createIfMissing`,
   *   `errorIfExists`), `tree`, and the `DB.open` options for a directory (which `open()`
   *   also takes, like classic-level's LevelDB options)
   */
  constructor(location: string | DB, options: HoltLevelOptions<KDefault, VDefault> = {}) {
    const given = location instanceof DB ? location : undefined;
    if (given === undefined && (typeof location !== 'string' || location.length === 0)) {
      throw new TypeError("The first argument 'location' must be a non-empty string or a Holt DB");
    }
    // The Holt options stay here; abstract-level hands every other option to _open (and to
    // postopen hooks), merged with those of open().
    const { tree = DEFAULT_LEVEL_TREE, durability, readOnly, cacheMB, checkpoint, io, ...levelOptions } = options;
    if (tree === EMPTY_KEY_TREE) throw new TypeError(`The tree ${JSON.stringify(EMPTY_KEY_TREE)} is reserved by holt/level`);
    super(
      holtLevelManifest({ permanent: given === undefined || given.path !== undefined, ownsDirectory: given === undefined }),
      levelOptions,
    );
    this.given = given;
    this.location = given === undefined ? (location as string) : undefined;
    this.treeName = tree;
    this.dbOptions = holtOptions({ durability, readOnly, cacheMB, checkpoint, io });
  }

  /**
   * The Holt tree behind the database, while it is open: for Holt's own reads (delimiter
   * listings, `longestPrefix`, `count`). Write through HoltLevel: a write made on the tree
   * directly is not recorded for open snapshots and iterators. The empty key is not in
   * this tree (see docs/LEVEL.md).
   */
  get tree(): Tree {
    return this.store.tree;
  }

  private get store(): LevelStore {
    if (this.session === null) throw new Error('holt/level: the database is not open');
    return this.session;
  }

  /** @internal */
  async _open(options: OpenOptions): Promise<void> {
    let db = this.given;
    if (db === undefined) {
      const location = this.location!;
      // data.holt is created by the first DB.open of a directory (docs/API.md, "On disk").
      const exists = fs.existsSync(path.join(location, 'data.holt'));
      if (!exists && !options.createIfMissing) throw new Error(`Holt database ${location} does not exist (createIfMissing is false)`);
      if (exists && options.errorIfExists) throw new Error(`Holt database ${location} already exists (errorIfExists is true)`);
      db = DB.open(location, { ...this.dbOptions, ...holtOptions(options) });
    }
    try {
      this.session = new LevelStore(db, this.treeName);
    } catch (e) {
      if (this.given === undefined) await db.close();
      throw e;
    }
  }

  /** @internal */
  async _close(): Promise<void> {
    await Promise.allSettled(this.clearing);
    const store = this.session;
    this.session = null;
    if (store !== null && this.given === undefined) await store.db.close();
  }

  /**
   * @internal A key in memory is answered at once; a cold one through the tree's batched
   * asynchronous reads (Tree.getAsync), so the event loop never waits on the disk. An
   * explicit snapshot reads its overlay synchronously, as before.
   */
  async _get(key: LevelBytes, options: ReadOptions): Promise<string | Buffer | undefined> {
    if (options.snapshot instanceof HoltSnapshot || key.length === 0) return this._getSync(key, options);
    return maybeInFormat(await this.store.tree.getAsync(key), options.valueEncoding);
  }

  /** @internal */
  _getSync(key: LevelBytes, options: ReadOptions): string | Buffer | undefined {
    return maybeInFormat(this.reader(options).get(key), options.valueEncoding);
  }

  /** @internal Cold keys read together (LevelStore.getManyAsync); an explicit snapshot reads synchronously. */
  async _getMany(keys: LevelBytes[], options: ReadOptions): Promise<(string | Buffer | undefined)[]> {
    const reader = this.reader(options);
    const values = reader === this.store ? await this.store.getManyAsync(keys) : keys.map((key) => reader.get(key));
    return values.map((v) => maybeInFormat(v, options.valueEncoding));
  }

  /** @internal */
  async _has(key: LevelBytes, options: ReadOptions): Promise<boolean> {
    return this.reader(options).has(key);
  }

  /** @internal */
  async _hasMany(keys: LevelBytes[], options: ReadOptions): Promise<boolean[]> {
    const reader = this.reader(options);
    return keys.map((key) => reader.has(key));
  }

  /** @internal */
  async _put(key: LevelBytes, value: LevelBytes, options: HoltWriteOptions): Promise<void> {
    this.store.put(key, value);
    if (options.sync === true) await this.store.db.sync();
  }

  /** @internal */
  async _del(key: LevelBytes, options: HoltWriteOptions): Promise<void> {
    this.store.del(key);
    if (options.sync === true) await this.store.db.sync();
  }

  /** @internal Array and chained batches alike: one Holt atomic batch. */
  async _batch(operations: LevelWrite[], options: HoltWriteOptions): Promise<void> {
    this.store.write(operations);
    if (options.sync === true) await this.store.db.sync();
  }

  /** @internal */
  async _clear(options: CursorOptions): Promise<void> {
    const run = this.clearRange(options);
    this.clearing.add(run);
    try {
      await run;
    } finally {
      this.clearing.delete(run);
    }
  }

  /** @internal */
  _iterator(options: CursorOptions): InstanceType<typeof HoltIterator> {
    const keys = options.keys !== false;
    const values = options.values !== false;
    const { keyEncoding, valueEncoding } = options;
    const project: Project = (e) => [keys ? inFormat(e.key, keyEncoding) : undefined, values ? inFormat(e.value!, valueEncoding) : undefined];
    return new HoltIterator(this, options).read(this.cursor(options, !values), project);
  }

  /** @internal */
  _keys(options: CursorOptions): InstanceType<typeof HoltKeyIterator> {
    const { keyEncoding } = options;
    return new HoltKeyIterator(this, options).read(this.cursor(options, true), (e: CursorEntry) => inFormat(e.key, keyEncoding));
  }

  /** @internal */
  _values(options: CursorOptions): InstanceType<typeof HoltValueIterator> {
    const { valueEncoding } = options;
    return new HoltValueIterator(this, options).read(this.cursor(options, false), (e: CursorEntry) => inFormat(e.value!, valueEncoding));
  }

  /** @internal */
  _snapshot(options: { owner: object }): HoltSnapshot {
    return new HoltSnapshot(options, this.store);
  }

  private reader(options: ReadOptions): KeyReader {
    return options.snapshot instanceof HoltSnapshot ? options.snapshot : this.store;
  }

  /**
   * A cursor over the range of `options`: on the explicit snapshot it names, or on an
   * implicit one taken now and released when the iterator closes.
   */
  private cursor(options: CursorOptions, keysOnly: boolean): CursorSource {
    const store = this.store;
    const range = KeyRange.from(options);
    const reverse = options.reverse === true;
    if (options.snapshot instanceof HoltSnapshot) {
      return { cursor: new RangeCursor(store, options.snapshot.overlay, range, reverse, keysOnly), release: () => {} };
    }
    const overlay = store.registry.open(range);
    return { cursor: new RangeCursor(store, overlay, range, reverse, keysOnly), release: () => store.registry.release(overlay) };
  }

  /**
   * Delete the range's keys in batches of CLEAR_CHUNK, yielding between batches. The keys
   * are those of a snapshot taken when clear() was called (or of the explicit snapshot
   * given); a key written after the call is left alone, as abstract-level recommends.
   * Each batch is atomic; the whole clear is not (abstract-level does not require it).
   */
  private async clearRange(options: CursorOptions): Promise<void> {
    const store = this.store;
    const range = KeyRange.from(options);
    // Records every key written from now on: those are the writes clear() must not undo.
    const since = store.registry.open(range);
    try {
      const overlay = options.snapshot instanceof HoltSnapshot ? options.snapshot.overlay : since;
      const cursor = new RangeCursor(store, overlay, range, options.reverse === true, true);
      let left = options.limit === undefined || options.limit < 0 ? Number.POSITIVE_INFINITY : options.limit;
      for (;;) {
        const chunk: LevelWrite[] = [];
        let entry: CursorEntry | undefined;
        while (chunk.length < CLEAR_CHUNK && left > 0 && (entry = cursor.next()) !== undefined) {
          left--;
          // The cursor never returns a key twice, so `since` covers one only if someone else wrote it.
          if (since.lookup(entry.key) === undefined) chunk.push({ type: 'del', key: entry.key });
        }
        if (chunk.length > 0) store.write(chunk);
        if (entry === undefined || left === 0) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      store.registry.release(since);
    }
  }
}

/**
 * abstract-level's signatures with HoltLevel's options added (merged into the class's type):
 * the DB.open options on `open()`, `sync` on writes (chained batches take it in `write(options)`).
 */
export interface HoltLevel<KDefault, VDefault> {
  open(): Promise<void>;
  open(options: AbstractOpenOptions & HoltDBOptions): Promise<void>;
  put(key: KDefault, value: VDefault): Promise<void>;
  put<K = KDefault, V = VDefault>(key: K, value: V, options: AbstractPutOptions<K, V> & HoltWriteOptions): Promise<void>;
  del(key: KDefault): Promise<void>;
  del<K = KDefault>(key: K, options: AbstractDelOptions<K> & HoltWriteOptions): Promise<void>;
  batch(operations: Array<AbstractBatchOperation<this, KDefault, VDefault>>): Promise<void>;
  batch<K = KDefault, V = VDefault>(
    operations: Array<AbstractBatchOperation<this, K, V>>,
    options: AbstractBatchOptions<K, V> & HoltWriteOptions,
  ): Promise<void>;
  batch(): AbstractChainedBatch<this, KDefault, VDefault>;
}
