/**
 * Tree: a handle on one named tree of a DB.
 *
 * A thin facade: it validates and encodes arguments, asks its host (the DB)
 * whether the handle may be used, and delegates the work: reads to the
 * walker in `src/art`, writes to the write protocol the host hands it
 * (db/write-protocol.ts: log, apply, afterWrite). Reads and writes are
 * synchronous; waiting for the disk is `db.sync()` / `db.checkpoint()`.
 */
import { HoltError, invalidArgument } from '../errors.js';
import type {
  Bytes, DecodedField, EncodingOptions, GetOptions, HoltRecord, RenameOptions, ScanEntry, ScanOptions,
} from './types.js';
import { encodeKey, encodePrefix, encodeValue, key2Scratch, keyScratch, valueScratch } from './key-codec.js';
import { ENCODINGS, toScanSpec } from './scan-options.js';
import { checkFunction, checkVersion, optionalOneOf, optionNames, optionsObject, renameOverwrite } from './validate.js';
import { outFound, findLeaf } from '../art/lookup.js';
import { findForErase } from '../art/erase.js';
import { findLongestPrefix } from '../art/longest-prefix.js';
import { seekPrefix } from '../art/seek-prefix.js';
import { verifyTree, type VerifyReport } from '../art/verify.js';
import { collectTreeStats } from '../stats/tree-stats.js';
import type { TreeStats } from '../shapes/stats.js';
import { leafKeyLen, leafKeyStart, leafValueLen, leafVersion } from '../layout/leaf.js';
import { leafRecord, leafValue } from '../art/read-leaf.js';
import { checkRename, RENAME_EXISTS, RENAME_MISSING, RENAME_SAME_KEY, outRenameSource } from '../art/rename.js';
import { ScanIterator, type ScanCheck } from '../art/scan.js';
import { utf8Of } from '../art/scan-entry.js';
import { countKeys } from '../art/count.js';
import type { TreeHost } from '../db/tree-host.js';
import type { TreeState } from '../db/tree-state.js';
import type { AtomicBatchTree } from './atomic-batch.js';
import type { AtomicResult } from '../shapes/batch.js';
import { getAsync, getManyAsync, type AsyncReadHost } from './async-reads.js';
import { AsyncScan } from './async-scan.js';
import { FORM_VIEW } from '../art/scan-entry.js';
import { getUtf8, valueOfLeaf } from './get-value.js';

export class Tree {
  /** @internal */
  readonly state: TreeState;
  /** @internal */
  readonly host: TreeHost & AsyncReadHost & { atomicOnTree(tree: Tree, fn: (b: AtomicBatchTree) => void): AtomicResult };

  /** @internal Trees are obtained from `db.tree(name)`, never constructed directly. */
  constructor(state: TreeState, host: TreeHost & AsyncReadHost & { atomicOnTree(tree: Tree, fn: (b: AtomicBatchTree) => void): AtomicResult }) {
    this.state = state;
    this.host = host;
  }

  /** The tree's name in its DB. */
  get name(): string { return this.state.name; }

  /**
   * The value stored under `key` (a copy), or undefined. With
   * `{ valueEncoding: 'utf8' }` the value comes back as a string decoded
   * straight from the stored bytes.
   */
  get<O extends GetOptions = {}>(key: Bytes, options?: O): DecodedField<O, 'valueEncoding'> | undefined;
  get(key: Bytes, options?: GetOptions): Buffer | string | undefined {
    this.host.checkReadable(this.state);
    const kl = encodeKey(keyScratch, key);
    const utf8 = options !== undefined && getUtf8(options);
    if (!findLeaf(this.state.core, keyScratch.bytes, kl, true)) return undefined;
    return valueOfLeaf(outFound.frame, outFound.leaf, utf8);
  }

  /**
   * `get` without blocking the event loop on the disk: the value of `key` (a
   * copy; a string with `{ valueEncoding: 'utf8' }`), or undefined. A key
   * whose frames or pages are in memory is answered in the call (the promise
   * is already resolved: no I/O, no thread hop). Otherwise the read joins the
   * cold reads of this turn of the event loop (other `getAsync` calls, a
   * `getManyAsync`), whose missing pages are read together through `holt/io`
   * (io_uring where available), level by level. The value is the one the key
   * had at the call, whatever writes, drops and checkpoints happen while the
   * read is in flight. Rejects with INVALID_ARGUMENT or KEY_TOO_LARGE before
   * any I/O, CLOSED when the DB (or snapshot) is closed before the read ends,
   * TREE_DROPPED for a dropped tree's handle, IO_ERROR or CORRUPT (with file
   * and offset) when a read fails; the DB stays usable.
   */
  getAsync<O extends GetOptions = {}>(key: Bytes, options?: O): Promise<DecodedField<O, 'valueEncoding'> | undefined>;
  getAsync(key: Bytes, options?: GetOptions): Promise<Buffer | string | undefined> {
    return getAsync(this.host, this.state, key, options);
  }

  /**
   * The values of `keys`, in the order of the keys (undefined for an absent
   * one), all from the state at the call. Keys in memory are answered at
   * once; the others are read together, level by level (a batch of 1,000
   * cold keys takes about 15 rounds of reads, not one read per page per key;
   * it does not yet beat the same gets done synchronously: docs/API.md). One
   * bad key rejects the whole call before any I/O; a failed read rejects it
   * with that read's error. See `getAsync`.
   */
  getManyAsync<O extends GetOptions = {}>(keys: readonly Bytes[], options?: O): Promise<Array<DecodedField<O, 'valueEncoding'> | undefined>>;
  getManyAsync(keys: readonly Bytes[], options?: GetOptions): Promise<Array<Buffer | string | undefined>> {
    return getManyAsync(this.host, this.state, keys, options);
  }

  /** Key, value and version of `key`, or undefined. */
  getRecord(key: Bytes): HoltRecord | undefined {
    this.host.checkReadable(this.state);
    const kl = encodeKey(keyScratch, key);
    if (!findLeaf(this.state.core, keyScratch.bytes, kl, true)) return undefined;
    return leafRecord(outFound.frame, outFound.leaf);
  }

  /** The version of `key`, or undefined. */
  getVersion(key: Bytes): number | undefined {
    this.host.checkReadable(this.state);
    const kl = encodeKey(keyScratch, key);
    return findLeaf(this.state.core, keyScratch.bytes, kl, true) ? leafVersion(outFound.frame, outFound.leaf) : undefined;
  }

  has(key: Bytes): boolean {
    this.host.checkReadable(this.state);
    const kl = encodeKey(keyScratch, key);
    return findLeaf(this.state.core, keyScratch.bytes, kl, true);
  }

  /** Store `value` under `key`; returns the new version. */
  put(key: Bytes, value: Bytes): number {
    const writes = this.host.writable(this.state);
    const kl = encodeKey(keyScratch, key);
    const vl = encodeValue(value);
    return writes.put(this.state, keyScratch.bytes, kl, valueScratch.bytes, vl);
  }

  /** Delete `key`; returns whether it existed. A missing key writes nothing. */
  delete(key: Bytes): boolean {
    const s = this.state;
    const writes = this.host.writable(s);
    const kl = encodeKey(keyScratch, key);
    // One walk: it finds the leaf, the delete is logged, then the leaf it found is removed.
    if (!findForErase(s.core, keyScratch.bytes, kl)) return false;
    writes.deleteFound(s, keyScratch.bytes, kl);
    return true;
  }

  /** Store only if `key` is absent; returns the new version, or undefined if it existed. */
  putIfAbsent(key: Bytes, value: Bytes): number | undefined {
    const writes = this.host.writable(this.state);
    const kl = encodeKey(keyScratch, key);
    // The value is checked even when the key exists: whether an argument is valid never depends on the data.
    const vl = encodeValue(value);
    if (findLeaf(this.state.core, keyScratch.bytes, kl)) return undefined;
    return writes.put(this.state, keyScratch.bytes, kl, valueScratch.bytes, vl);
  }

  /** Store only if `key` currently has `version`; returns the new version, or undefined. */
  compareAndPut(key: Bytes, version: number, value: Bytes): number | undefined {
    const writes = this.host.writable(this.state);
    checkVersion(version);
    const kl = encodeKey(keyScratch, key);
    const vl = encodeValue(value);
    if (!findLeaf(this.state.core, keyScratch.bytes, kl) || leafVersion(outFound.frame, outFound.leaf) !== version) return undefined;
    return writes.put(this.state, keyScratch.bytes, kl, valueScratch.bytes, vl);
  }

  /** Delete only if `key` currently has `version`; returns whether it was deleted. */
  deleteIfVersion(key: Bytes, version: number): boolean {
    const writes = this.host.writable(this.state);
    checkVersion(version);
    const kl = encodeKey(keyScratch, key);
    if (!findLeaf(this.state.core, keyScratch.bytes, kl) || leafVersion(outFound.frame, outFound.leaf) !== version) return false;
    writes.delete(this.state, keyScratch.bytes, kl);
    return true;
  }

  /**
   * Move the record at `from` to `to` under a new version (returned).
   * Throws NOT_FOUND when `from` is missing and ALREADY_EXISTS when `to` exists
   * and `overwrite` is not set. Renaming a key onto itself changes nothing.
   */
  rename(from: Bytes, to: Bytes, options?: RenameOptions): number {
    const s = this.state;
    const writes = this.host.writable(s);
    const overwrite = renameOverwrite(options);
    const fl = encodeKey(keyScratch, from, 'from');
    const tl = encodeKey(key2Scratch, to, 'to');
    const fb = keyScratch.bytes;
    const tb = key2Scratch.bytes;
    switch (checkRename(s.core, fb, fl, tb, tl, overwrite)) {
      case RENAME_MISSING: throw new HoltError('NOT_FOUND', 'rename: source key does not exist');
      case RENAME_SAME_KEY: return leafVersion(outRenameSource.frame, outRenameSource.leaf);
      case RENAME_EXISTS: throw new HoltError('ALREADY_EXISTS', 'rename: destination key exists');
    }
    return writes.rename(s, fb, fl, tb, tl, overwrite);
  }

  /** The record with the longest key that is a prefix of `key` (the key itself included), or undefined. */
  longestPrefix(key: Bytes): HoltRecord | undefined {
    this.host.checkReadable(this.state);
    const kl = encodeKey(keyScratch, key);
    if (!findLongestPrefix(this.state.core, keyScratch.bytes, kl)) return undefined;
    return leafRecord(outFound.frame, outFound.leaf);
  }

  /** True when no key starts with `prefix` (`''`: when the tree is empty). */
  isPrefixEmpty(prefix: Bytes): boolean {
    this.host.checkReadable(this.state);
    // encodePrefix reads undefined as "no prefix", which only count() may omit.
    if (prefix === undefined) throw invalidArgument('isPrefixEmpty needs a prefix (use \'\' for the whole tree)');
    const pl = encodePrefix(keyScratch, prefix);
    if (pl === 0) return this.state.core.keyCount === 0;
    return !seekPrefix(this.state.core, keyScratch.bytes, pl);
  }

  /** Number of keys starting with `prefix` (all keys when omitted). */
  count(prefix?: Bytes): number {
    this.host.checkReadable(this.state);
    const pl = encodePrefix(keyScratch, prefix);
    if (pl === 0) return this.state.core.keyCount;
    return countKeys(this.state.core, keyScratch.bytes, pl);
  }

  /**
   * A lazy iterator over keys in byte order (see ScanOptions). The iterator
   * stays valid while the tree changes: it resumes after the last entry it
   * returned (docs/API.md says exactly what it sees of concurrent writes).
   * Options are checked here, before any entry is read: a wrong type or an
   * unknown option is INVALID_ARGUMENT, an over-long bound KEY_TOO_LARGE.
   */
  scan<O extends ScanOptions & EncodingOptions = ScanOptions>(options?: O): ScanIterator<DecodedField<O, 'keyEncoding'>, DecodedField<O, 'valueEncoding'>> {
    this.host.checkReadable(this.state);
    return new ScanIterator(this.state.core, toScanSpec(options, false), this.scanCheck);
  }

  /**
   * The scan of `scan(options)` as an async iterator that never waits on the
   * disk inside a step: `for await (const e of tree.scanAsync({ prefix }))`.
   * Entries in memory are handed out a chunk at a time; where the scan needs
   * a frame from the data file, that frame and the next ones the scan will
   * enter are read together through `holt/io` (read-ahead) while the entries
   * already taken are handed out. Same options, order and entries as `scan`
   * (always copies: `copy: false` is INVALID_ARGUMENT, as are bad options, thrown
   * by this call). The scan reads the state at the call (a DB tree's scan
   * holds a snapshot until it ends: `break` out of the loop, or call
   * `return()`, to let it go early). A step rejects with CLOSED once the DB
   * or snapshot is closed, IO_ERROR / CORRUPT when a read fails.
   */
  scanAsync<O extends ScanOptions & EncodingOptions = ScanOptions>(options?: O): AsyncScan<DecodedField<O, 'keyEncoding'>, DecodedField<O, 'valueEncoding'>> {
    this.host.checkReadable(this.state);
    const spec = toScanSpec(options, false);
    if (spec.keyForm === FORM_VIEW || spec.valueForm === FORM_VIEW) {
      throw invalidArgument('scanAsync hands out copies (entries are read ahead): copy: false is not an option');
    }
    return new AsyncScan(this.host, this.state, spec);
  }

  /**
   * The same scan as `scan(options)`, as calls of `visit(entry)` in order;
   * returns how many entries were visited. `entry` is one object reused for
   * every call (one for keys, one for prefixes): read its fields during the
   * call. Its key and value are copies you may keep, unless `copy: false`. A
   * visitor returning `false` stops the scan; one that throws ends it and the
   * error propagates. The visitor may write to the tree: the scan goes on as
   * an iterator would (see `scan`).
   */
  scanEach<O extends ScanOptions & EncodingOptions = ScanOptions>(
    options: O | undefined,
    visit: (entry: ScanEntry<DecodedField<O, 'keyEncoding'>, DecodedField<O, 'valueEncoding'>>) => unknown,
  ): number {
    this.host.checkReadable(this.state);
    const spec = toScanSpec(options, false);
    checkFunction(visit, 'scanEach visitor');
    return new ScanIterator<DecodedField<O, 'keyEncoding'>, DecodedField<O, 'valueEncoding'>>(this.state.core, spec, this.scanCheck).each(visit);
  }

  /**
   * @internal `scan()` whose values are views into the frame, not copies:
   * each is valid only until the iterator's next `next()` call, so the caller
   * must consume it at once. For consumers that copy every value straight
   * into their own memory (the DuckDB bridge fills a vector), where a copy
   * here would be wasted. Same options, checks and errors as `scan()`.
   */
  scanBorrowed(options?: ScanOptions): ScanIterator {
    this.host.checkReadable(this.state);
    return new ScanIterator(this.state.core, toScanSpec(options, true), this.scanCheck);
  }

  /**
   * What a scan checks before each step: the tree is still readable, and a
   * read-only DB was not refreshed under it (its frames are the old state's).
   * One function for all the tree's scans, each passing the core it began on.
   */
  private readonly scanCheck: ScanCheck = (core) => {
    this.host.checkReadable(this.state);
    if (this.state.core !== core) throw new HoltError('CLOSED', 'the database was refreshed after this scan began; start a new scan');
  };

  /** Apply a group of operations on this tree all-or-nothing (see DB.atomic). */
  atomic(fn: (batch: AtomicBatchTree) => void): AtomicResult {
    return this.host.atomicOnTree(this, fn);
  }

  /** Counters plus a walk of every frame (see TreeStats); reading them changes no counter. */
  stats(): TreeStats {
    this.host.checkReadable(this.state);
    return collectTreeStats(this.state);
  }

  /** Walk the whole tree and check its structural invariants. */
  verify(): VerifyReport {
    this.host.checkReadable(this.state);
    return verifyTree(this.state.core);
  }
}


