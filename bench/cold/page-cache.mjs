/**
 * Dropping the OS page cache before a cold phase, so that "cold" means the data comes
 * from the device. Needs root. Pages a process has mapped (lmdb's map) are not dropped by
 * the kernel while mapped; the first drop happens before any engine opens its files, so
 * the cold-get phase starts cold for every engine, but later drops leave lmdb's mapped
 * pages resident (the cgroup limit still bounds them).
 */

import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const DROP_CACHES = '/proc/sys/vm/drop_caches';

/** @returns {boolean} whether this process may drop the page cache */
export function canDropPageCache() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  try {
    fs.accessSync(DROP_CACHES, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes dirty pages back (sync), then drops clean page cache, dentries and inodes. */
export function dropPageCache() {
  spawnSync('sync', { stdio: 'ignore' });
  fs.writeFileSync(DROP_CACHES, '3');
}
