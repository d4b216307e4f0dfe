/**
 * The soak working directory. The harness only ever deletes a directory that
 * carries its marker file, so a mistyped --dir cannot wipe someone's data.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './options.js';

export const MARKER = '.holt-soak';

export interface SoakDir {
  path: string;
  /** True when the harness made a temporary directory it should remove after a pass. */
  temporary: boolean;
}

function mark(path: string): void {
  writeFileSync(join(path, MARKER), 'created by the holt soak harness; safe to delete\n');
}

/**
 * Prepare the working directory: a fresh temporary one when `dir` is
 * undefined; otherwise `dir` must be missing or empty, or carry the marker
 * when `reset` is set (then it is emptied).
 */
export function prepareSoakDir(dir: string | undefined, reset: boolean, mode: string): SoakDir {
  if (dir === undefined) {
    const path = mkdtempSync(join(tmpdir(), `holt-soak-${mode}-`));
    mark(path);
    return { path, temporary: true };
  }
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      if (!entries.includes(MARKER)) throw new UsageError(`refusing to use ${dir}: it is not empty and was not created by the soak harness (no ${MARKER})`);
      if (!reset) throw new UsageError(`${dir} holds an earlier soak run; pass --reset to start over`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  mkdirSync(dir, { recursive: true });
  mark(dir);
  return { path: dir, temporary: false };
}

export function removeSoakDir(d: SoakDir): void {
  if (d.temporary && existsSync(join(d.path, MARKER))) rmSync(d.path, { recursive: true, force: true });
}
