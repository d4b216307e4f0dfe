/**
 * Whether a live writer holds a database directory, asked without touching
 * its lock: a reader that took even a brief lock on DIR/LOCK could make a
 * starting writer fail with LOCKED. Linux lists every flock in /proc/locks
 * ("1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"), keyed by device and
 * inode; an exclusive (WRITE) flock on the LOCK file's inode is the writer.
 *
 * A reader uses the answer to decide how to read the WAL's tail: beside a
 * live writer a record that does not decode is the writer's current write
 * (read up to it); with no writer it is damage (CORRUPT). Where /proc/locks
 * cannot be read the answer is "live", the reading that never fails a reader
 * for a write in progress.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function writerIsLive(dir: string): boolean {
  let ino: number;
  try {
    ino = statSync(join(dir, 'LOCK')).ino;
  } catch {
    return false; // no LOCK file: no writer ever opened this directory
  }
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return true;
  }
  for (const line of locks.split('\n')) {
    const f = line.trim().split(/\s+/);
    // f: ["1:", "FLOCK", "ADVISORY", "WRITE", pid, "maj:min:inode", start, end]
    if (f[1] !== 'FLOCK' || f[3] !== 'WRITE' || f[5] === undefined) continue;
    const inode = Number(f[5].split(':')[2]);
    if (inode === ino) return true;
  }
  return false;
}
