import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError, toIoError } from './errors.js';

/**
 * The node:fs implementation's `lock()` when the addon (and with it flock) did
 * not load. node:fs has no flock, so each holder of a lock on a file writes a
 * record named `<pid>-<n>-<x|s>` into a directory of its own for that file's
 * inode (which survives the renames reader claims make), under the temp
 * directory. A record whose process is gone is stale and removed by whoever
 * meets it, as the kernel drops a dead process's flock.
 *
 * Taking a lock writes the record first and looks for conflicting ones after,
 * so of two processes racing for it at least one sees the other and backs off
 * with `LOCKED` (both may: a spurious `LOCKED` is safe, two writers are not).
 * Limits, said in docs/IO.md: processes must share the temp directory (one
 * machine), and a recycled pid keeps a dead holder's record alive until that
 * pid exits too.
 */

let nextHolder = 0;

function root(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `holt-locks-${uid}`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export class HolderLock {
  /** This handle's record, while it holds the lock. */
  #record: string | null = null;

  constructor(private readonly path: string) {}

  lock(fd: number, exclusive: boolean): void {
    this.unlock(); // flock converts a held lock; here: drop it and take the new mode
    const st = fs.fstatSync(fd);
    const dir = join(root(), `${st.dev}-${st.ino}`);
    const name = `${process.pid}-${nextHolder++}-${exclusive ? 'x' : 's'}`;
    const record = join(dir, name);
    for (let attempt = 0; ; attempt++) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(record, '', { flag: 'wx' });
        break;
      } catch (e) {
        // ENOENT: another holder removed the emptied directory between the two calls.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw toIoError(e, this.path);
      }
    }
    for (const other of fs.readdirSync(dir)) {
      if (other === name) continue;
      const [pid, , mode] = other.split('-');
      if (!alive(Number(pid))) {
        fs.rmSync(join(dir, other), { force: true });
        continue;
      }
      if (exclusive || mode === 'x') {
        fs.rmSync(record, { force: true });
        throw new IoError('LOCKED', `${this.path} is locked by process ${pid}`, { path: this.path, syscall: 'flock' });
      }
    }
    this.#record = record;
  }

  unlock(): void {
    const record = this.#record;
    if (record === null) return;
    this.#record = null;
    fs.rmSync(record, { force: true });
    try {
      fs.rmdirSync(join(record, '..'));
    } catch {
      /* other holders remain */
    }
  }
}
