/**
 * How every soak mode opens its database: the flags' durability and cache,
 * and background checkpoints tuned to fire many times within a short run.
 */
import { join } from 'node:path';
import { DB } from '../index.js';
import type { SoakOptions } from './options.js';

export function dbPath(dir: string): string {
  return join(dir, 'db');
}

export function openDb(dir: string, o: SoakOptions, extra: { readOnly?: boolean; walBytes?: number; intervalMs?: number } = {}): DB {
  return DB.open(dbPath(dir), {
    durability: o.durability,
    cacheMB: o.cacheMB,
    readOnly: extra.readOnly === true,
    checkpoint: { walBytes: extra.walBytes ?? 4 * 1024 * 1024, intervalMs: extra.intervalMs ?? 500 },
  });
}

/** Let timers (background checkpoints, group-commit flushes) run between synchronous operations. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
