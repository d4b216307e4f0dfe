/**
 * The readahead of the block device a data set lives on (read_ahead_kb). It decides what a
 * page fault on a memory-mapped file costs (lmdb), so COLD.md states it with the machine.
 * Holt reads with O_DIRECT and is not affected; SQLite's random preads barely are.
 */

import fs from 'node:fs';

/**
 * @param {string} dir
 * @returns {number | undefined} KiB, or undefined when it cannot be found (not Linux, no sysfs)
 */
export function readaheadKiB(dir) {
  try {
    const dev = fs.statSync(dir).dev;
    const id = `${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | ((dev >> 12) & 0xfff00)}`;
    const base = `/sys/dev/block/${id}`;
    // A partition has no queue/ of its own: its disk's is one level up.
    for (const queue of [`${base}/queue/read_ahead_kb`, `${base}/../queue/read_ahead_kb`]) {
      if (fs.existsSync(queue)) return Number(fs.readFileSync(queue, 'utf8').trim());
    }
  } catch {
    // fall through
  }
  return undefined;
}
