import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIoError } from '../../src/io/errors.js';
import { HolderLock } from '../../src/io/holder-lock.js';
import { testDir } from '../support/temp-dir.js';
import { thrown } from '../support/thrown.js';

/** The lock node:fs handles use where the addon (flock) did not load: an install with neither prebuild nor compiler. */
const DIST_LOCK = pathToFileURL(fileURLToPath(new URL('../../dist/io/holder-lock.js', import.meta.url))).href;

function opened(path: string): number {
  return fs.openSync(path, fs.existsSync(path) ? 'r+' : 'w+');
}

describe('HolderLock (flock without the addon)', () => {
  it('exclusive excludes everyone, shared only exclusive, and unlock lets the next one in', () => {
    const path = join(testDir('holder-lock'), 'LOCK');
    const fdA = opened(path);
    const fdB = opened(path);
    const a = new HolderLock(path);
    const b = new HolderLock(path);
    a.lock(fdA, true);
    expect(isIoError(thrown(() => b.lock(fdB, true)), 'LOCKED')).toBe(true);
    expect(isIoError(thrown(() => b.lock(fdB, false)), 'LOCKED')).toBe(true);
    a.unlock();
    b.lock(fdB, false);
    a.lock(fdA, false);
    expect(isIoError(thrown(() => new HolderLock(path).lock(opened(path), true)), 'LOCKED')).toBe(true);
    a.unlock();
    b.unlock();
    a.lock(fdA, true);
    a.unlock();
    fs.closeSync(fdA);
    fs.closeSync(fdB);
  });

  it('follows the file through a rename (it is keyed by inode)', () => {
    const dir = testDir('holder-lock');
    const fd = opened(join(dir, 'tmp'));
    const a = new HolderLock(join(dir, 'tmp'));
    a.lock(fd, false);
    fs.renameSync(join(dir, 'tmp'), join(dir, 'claim'));
    const fd2 = opened(join(dir, 'claim'));
    expect(isIoError(thrown(() => new HolderLock(join(dir, 'claim')).lock(fd2, true)), 'LOCKED')).toBe(true);
    a.unlock();
    new HolderLock(join(dir, 'claim')).lock(fd2, true);
  });

  it('a live holder in another process excludes this one; a dead holder does not', async () => {
    const path = join(testDir('holder-lock'), 'LOCK');
    fs.writeFileSync(path, '');
    const holder = `
      import { openSync } from 'node:fs';
      const { HolderLock } = await import(${JSON.stringify(DIST_LOCK)});
      new HolderLock(${JSON.stringify(path)}).lock(openSync(${JSON.stringify(path)}, 'r+'), true);
      console.log('held');
      if (process.argv.includes('--wait')) setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', holder, '--', '--wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
      const fd = opened(path);
      const e = thrown(() => new HolderLock(path).lock(fd, false));
      expect(isIoError(e, 'LOCKED')).toBe(true);
      expect(e.message).toContain(`process ${child.pid}`);
      fs.closeSync(fd);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // Killed while holding it, and another one that exits without unlocking: both records are stale.
    expect(spawnSync(process.execPath, ['--input-type=module', '-e', holder], { encoding: 'utf8' }).stdout.trim()).toBe('held');
    const mine = new HolderLock(path);
    const fd = opened(path);
    mine.lock(fd, true);
    mine.unlock();
    fs.closeSync(fd);
  });
});
