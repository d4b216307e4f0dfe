/**
 * Mode `db-crash`: SIGKILL a writer whose every op is one cross-tree
 * db.atomic writing (or deleting) the same key in `objects` and `inodes`, and
 * check that every acknowledged batch is fully present and that no batch is
 * partly present: both trees hold the same revision for every key.
 */
import { runKillLoop } from './kill-loop.js';
import type { SoakOptions } from './options.js';
import type { Tally } from './report.js';

export function runDbCrash(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  return runKillLoop(o, dir, tally, ['objects', 'inodes']);
}

/**
 * Mode `bulk-crash`: SIGKILL a writer that loads runs of thousands of puts
 * in synchronous loops (bulk-child.ts), so that with a small cache its dirty
 * frames spill; checked like `crash`.
 */
export function runBulkCrash(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  return runKillLoop(o, dir, tally, ['objects']);
}
