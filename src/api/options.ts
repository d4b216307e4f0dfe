/**
 * Options and stats shapes of the DB facade, and the check `DB.open` runs on
 * its options before anything touches the directory.
 */
import { optionalBoolean, optionalOneOf, optionalPositive, optionNames, optionsObject } from './validate.js';

export interface DBOptions {
  /**
   * 'fast' (default): a write returns once it is in the in-process log buffer;
   * it reaches the OS within a few milliseconds and is durable after
   * `await db.sync()`. A process crash can lose the last few milliseconds of
   * writes that no sync() covered. 'sync': every write is durable
   * (written and fdatasynced) before its call returns.
   */
  durability?: 'fast' | 'sync';
  /** Open with a shared lock, replay in memory only, reject mutations. */
  readOnly?: boolean;
  /** Memory budget for resident frames, in MiB (default 256). Dirty frames may exceed it until written. */
  cacheMB?: number;
  /** Background checkpoints; `false` turns them off. */
  checkpoint?: false | {
    /** Checkpoint when the log holds this many bytes (default 64 MiB). */
    walBytes?: number;
    /** Checkpoint at least this often while there are changes (default 30 s). */
    intervalMs?: number;
  };
  /** Which I/O implementation to use: the native addon (default when it loads) or node:fs. */
  io?: 'native' | 'fs';
}

export interface TreeInfo {
  name: string;
  id: number;
  /** Live keys in the tree. */
  keys: number;
}

/**
 * DBOptions plus `ioOverride` and `readerRebaseMs`, the store's internal test
 * seams (see DurableStoreOptions in db/durable-store.ts, which imports this file).
 */
const DB_OPTIONS = optionNames<DBOptions & { ioOverride?: unknown; readerRebaseMs?: unknown }>({
  durability: true, readOnly: true, cacheMB: true, checkpoint: true, io: true, ioOverride: true, readerRebaseMs: true,
});
const CHECKPOINT_OPTIONS = optionNames<Exclude<DBOptions['checkpoint'], false | undefined>>({ walBytes: true, intervalMs: true });

/** Throws INVALID_ARGUMENT unless `options` is undefined or a well-typed DBOptions; returns it with `{}` for undefined. */
export function checkDBOptions(options: unknown): DBOptions {
  const o = optionsObject(options, 'DB.open options', DB_OPTIONS);
  if (o === undefined) return {};
  optionalOneOf(o, 'durability', 'DB.open options', ['fast', 'sync']);
  optionalBoolean(o, 'readOnly', 'DB.open options');
  optionalPositive(o, 'cacheMB', 'DB.open options', false);
  optionalOneOf(o, 'io', 'DB.open options', ['native', 'fs']);
  const cp = o['checkpoint'];
  if (cp !== undefined && cp !== false) {
    const c = optionsObject(cp, 'DB.open options.checkpoint', CHECKPOINT_OPTIONS)!;
    optionalPositive(c, 'walBytes', 'DB.open options.checkpoint', true);
    optionalPositive(c, 'intervalMs', 'DB.open options.checkpoint', false);
  }
  return o as DBOptions;
}
