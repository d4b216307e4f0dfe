/**
 * Options and stats shapes of the DB facade.
 */

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

/** Defined in stats.ts with the other stats shapes. */
export type { DBStats } from './stats.js';
