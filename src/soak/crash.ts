/**
 * Mode `crash`: SIGKILL a writer of one tree (`objects`) at random moments and
 * check that every acknowledged put or delete survived with exactly its value.
 * The loop is kill-loop.ts, the writer child.ts, the check crash-check.ts.
 */
import { runKillLoop } from './kill-loop.js';
import type { SoakOptions } from './options.js';
import type { Tally } from './report.js';

export function runCrash(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  return runKillLoop(o, dir, tally, ['objects']);
}
