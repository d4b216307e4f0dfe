/**
 * The options of `DB.open` (types only). `checkDBOptions` (api/options.ts)
 * checks them at the API edge, before anything touches the directory; the
 * modules below take them as checked.
 */
import type { CheckpointTriggers } from '../checkpoint/checkpoint-schedule.js';

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
  checkpoint?: false | CheckpointTriggers;
  /** Which I/O implementation to use: the native addon (default when it loads) or node:fs. */
  io?: 'native' | 'fs';
}
