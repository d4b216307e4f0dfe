/**
 * The one way tests make a scratch directory: a fresh directory under the OS
 * temp dir (on the real disk, where O_DIRECT works) or under `under`, named
 * `holt-<tag>-XXXXXX` so that a leftover says which suite made it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export interface TempDir {
  dir: string;
  /** Removes the directory and everything in it. */
  cleanup: () => void;
}

/** A fresh directory; the caller removes it with `cleanup`. */
export function tempDir(tag = 'test', under = tmpdir()): TempDir {
  const dir = mkdtempSync(join(under, `holt-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh directory removed when the current test finishes (call it inside a
 * test or a beforeEach hook; the removal runs after the afterEach hooks, so
 * they may still close files in it).
 */
export function testDir(tag = 'test', under?: string): string {
  const t = tempDir(tag, under);
  onTestFinished(t.cleanup);
  return t.dir;
}
