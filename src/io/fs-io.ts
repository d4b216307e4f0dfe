import * as fs from 'node:fs';
import { closedHandle, IoError, toIoError } from './errors.js';
import { HolderLock } from './holder-lock.js';
import { nativeBinding } from './native-binding.js';
import type { FileHandle, Io, IoRequest, LockMode, OpenOptions, SubmitRequest } from './types.js';
import {
  checkAllocSize,
  checkBuffer,
  checkFallocate,
  checkLength,
  checkLockMode,
  checkOffset,
  checkOpenOptions,
  checkPath,
  checkRequests,
  checkSubmitRequests,
} from './validate.js';

/**
 * The pure `node:fs` implementation of the I/O contract, for platforms where
 * the addon cannot build and for comparison runs (`HOLT_IO=fs`).
 *
 * What it cannot do, and what it does instead:
 * - O_DIRECT: never. `direct` is always false; every read goes through the
 *   page cache.
 * - flock: node:fs has no flock, so `lock()` delegates to the addon's
 *   `flockFd` when the addon loads. Without it (an install with neither
 *   prebuild nor compiler) it uses holder records (holder-lock.ts): the same
 *   exclusion between live processes on one machine, released by `unlock`,
 *   `close` or the holder's death, but not by garbage collection of the handle.
 * - fallocate: emulated by writing zeros past the current end of file, which
 *   really allocates blocks (so ENOSPC shows up here, as with posix_fallocate);
 *   holes inside the existing size are left alone.
 * - allocAligned: a zeroed Uint8Array of the rounded-up length. Its address is
 *   whatever V8 chose; that only matters for O_DIRECT, which this never uses.
 * - Async calls and `submit` run on the libuv thread pool (node:fs), so at
 *   most UV_THREADPOOL_SIZE requests are in the kernel at once: `backend` is
 *   always 'threadpool'.
 *
 * `close()` marks the handle closed at once (later calls throw `ERR_CLOSED`);
 * the descriptor itself is closed when the last in-flight async call settles,
 * so a recycled descriptor number can never receive a late read or write.
 * A handle that is garbage collected while open closes its descriptor (and so
 * drops its flock), exactly like a native handle: keep a reference to a handle
 * for as long as you rely on its lock.
 */
export class FsIo implements Io {
  readonly kind = 'fs' as const;
  readonly backend = 'threadpool' as const;

  open(path: string, options?: OpenOptions): FileHandle {
    const p = checkPath(path);
    const o = checkOpenOptions(options);
    const c = fs.constants;
    const flags = (o.readOnly ? c.O_RDONLY : c.O_RDWR) | (o.create ? c.O_CREAT : 0);
    let fd: number;
    try {
      fd = fs.openSync(p, flags, 0o644);
    } catch (e) {
      throw toIoError(e, p);
    }
    return new FsFileHandle(p, fd, o.readOnly);
  }

  allocAligned(size: number): Uint8Array {
    const n = checkAllocSize(size);
    return new Uint8Array(Math.ceil(n / 4096) * 4096);
  }

  fsyncDir(path: string): void {
    const p = checkPath(path);
    let fd = -1;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      fs.fsyncSync(fd);
    } catch (e) {
      throw toIoError(e, p);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  async fsyncDirAsync(path: string): Promise<void> {
    const p = checkPath(path);
    let dir: fs.promises.FileHandle | undefined;
    try {
      dir = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      await dir.sync();
    } catch (e) {
      throw toIoError(e, p);
    } finally {
      await dir?.close();
    }
  }
}

/** Closes descriptors of handles collected without close(), as the addon's finalizer does. */
const orphans = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    /* already gone */
  }
});

/** Zero-fill chunk for the fallocate emulation. */
const ZEROS = new Uint8Array(1 << 20);

class FsFileHandle implements FileHandle {
  readonly direct = false;
  #fd: number;
  #closed = false;
  #inflight = 0;
  /** The lock without the addon (holder-lock.ts); flock's goes with the descriptor. */
  #holder: HolderLock | undefined;

  constructor(
    readonly path: string,
    fd: number,
    readonly readOnly: boolean,
  ) {
    this.#fd = fd;
    orphans.register(this, fd, this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  pread(buf: Uint8Array, offset: number, length?: number): number {
    const fd = this.#open('pread');
    checkBuffer(buf, this.path);
    const off = checkOffset(offset, 'offset', this.path);
    const len = checkLength(buf, length, this.path);
    try {
      return readFully(fd, buf, len, off);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  pwrite(buf: Uint8Array, offset: number, length?: number): number {
    const fd = this.#open('pwrite');
    checkBuffer(buf, this.path);
    const off = checkOffset(offset, 'offset', this.path);
    const len = checkLength(buf, length, this.path);
    try {
      return writeFully(fd, buf, len, off);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  preadMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number[] {
    const fd = this.#open('preadMany');
    const reqs = checkRequests(requests, this.path);
    try {
      return reqs.map((r) => readFully(fd, r.buf, r.buf.byteLength, r.offset));
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  pwriteMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number {
    const fd = this.#open('pwriteMany');
    const reqs = checkRequests(requests, this.path);
    let total = 0;
    try {
      for (const r of reqs) total += writeFully(fd, r.buf, r.buf.byteLength, r.offset);
    } catch (e) {
      throw toIoError(e, this.path);
    }
    return total;
  }

  fdatasync(): void {
    const fd = this.#open('fdatasync');
    this.#sys(() => fs.fdatasyncSync(fd));
  }

  fsync(): void {
    const fd = this.#open('fsync');
    this.#sys(() => fs.fsyncSync(fd));
  }

  fallocate(offset: number, length: number): void {
    const fd = this.#open('fallocate');
    checkFallocate(offset, length, this.path);
    const end = offset + length;
    if (!Number.isSafeInteger(end)) throw toIoError({ code: 'EFBIG', message: 'fallocate range too large' }, this.path);
    this.#sys(() => {
      let pos = fs.fstatSync(fd).size;
      while (pos < end) pos += fs.writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, end - pos), pos);
    });
  }

  ftruncate(length: number): void {
    const fd = this.#open('ftruncate');
    const len = checkOffset(length, 'length', this.path);
    this.#sys(() => fs.ftruncateSync(fd, len));
  }

  size(): number {
    const fd = this.#open('size');
    return this.#sys(() => fs.fstatSync(fd).size);
  }

  lock(mode: LockMode): void {
    const fd = this.#open('lock');
    const m = checkLockMode(mode, this.path);
    const native = nativeBinding();
    if (native === null) this.#sys(() => (this.#holder ??= new HolderLock(this.path)).lock(fd, m === 'exclusive'));
    else this.#sys(() => native.flockFd(fd, m === 'exclusive'));
  }

  unlock(): void {
    const fd = this.#open('unlock');
    const native = nativeBinding();
    if (native === null) this.#holder?.unlock();
    else this.#sys(() => native.unlockFd(fd));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inflight === 0) this.#release();
  }

  async preadAsync(buf: Uint8Array, offset: number, length?: number): Promise<number> {
    const fd = this.#open('preadAsync');
    checkBuffer(buf, this.path);
    const off = checkOffset(offset, 'offset', this.path);
    const len = checkLength(buf, length, this.path);
    return this.#track(() => readAllAt(fd, buf, len, off));
  }

  async pwriteAsync(buf: Uint8Array, offset: number, length?: number): Promise<number> {
    const fd = this.#open('pwriteAsync');
    checkBuffer(buf, this.path);
    const off = checkOffset(offset, 'offset', this.path);
    const len = checkLength(buf, length, this.path);
    return this.#track(() => writeAllAt(fd, buf, len, off));
  }

  async preadManyAsync(requests: ReadonlyArray<IoRequest>): Promise<number[]> {
    const fd = this.#open('preadManyAsync');
    const reqs = checkRequests(requests, this.path);
    return this.#track(() => everyOrFirstFailure(reqs.map((r) => readAllAt(fd, r.buf, r.buf.byteLength, r.offset))));
  }

  async pwriteManyAsync(requests: ReadonlyArray<IoRequest>): Promise<number> {
    const fd = this.#open('pwriteManyAsync');
    const reqs = checkRequests(requests, this.path);
    return this.#track(async () => {
      const counts = await everyOrFirstFailure(reqs.map((r) => writeAllAt(fd, r.buf, r.buf.byteLength, r.offset)));
      return counts.reduce((a, b) => a + b, 0);
    });
  }

  submit(requests: ReadonlyArray<SubmitRequest>): Array<Promise<number>> {
    const fd = this.#open('submit');
    const reqs = checkSubmitRequests(requests, this.path);
    return reqs.map((r) =>
      this.#track(() => (r.op === 'read' ? readAllAt : writeAllAt)(fd, r.buf, r.buf.byteLength, r.offset)),
    );
  }

  async fdatasyncAsync(): Promise<void> {
    const fd = this.#open('fdatasyncAsync');
    return this.#track(() => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))));
  }

  async fsyncAsync(): Promise<void> {
    const fd = this.#open('fsyncAsync');
    return this.#track(() => new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve()))));
  }

  #open(syscall: string): number {
    if (this.#closed) throw closedHandle(this.path, syscall);
    return this.#fd;
  }

  #sys<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async #track<T>(fn: () => Promise<T>): Promise<T> {
    this.#inflight++;
    try {
      return await fn();
    } catch (e) {
      throw toIoError(e, this.path);
    } finally {
      // A deferred close has no caller left to report to; the descriptor is gone either way.
      if (--this.#inflight === 0 && this.#closed) {
        try {
          this.#release();
        } catch {
          /* ignored */
        }
      }
    }
  }

  #release(): void {
    this.#holder?.unlock();
    const fd = this.#fd;
    this.#fd = -1;
    orphans.unregister(this);
    try {
      fs.closeSync(fd);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }
}

function readFully(fd: number, buf: Uint8Array, length: number, offset: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writeFully(fd: number, buf: Uint8Array, length: number, offset: number): number {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, buf, done, length - done, offset + done);
  return done;
}

function readAt(fd: number, buf: Uint8Array, at: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, at, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/** Reads until `length` bytes or end of file, like the addon's ReadFully. */
async function readAllAt(fd: number, buf: Uint8Array, length: number, offset: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await readAt(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Waits for every request; then the values, or the lowest-numbered failure,
 * so (as with the addon) no buffer is touched after the batch's promise settles.
 */
async function everyOrFirstFailure(pending: Array<Promise<number>>): Promise<number[]> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<number>).value);
}

async function writeAllAt(fd: number, buf: Uint8Array, length: number, offset: number): Promise<number> {
  let done = 0;
  while (done < length) {
    done += await new Promise<number>((resolve, reject) =>
      fs.write(fd, buf, done, length - done, offset + done, (e, n) => (e ? reject(e) : resolve(n))),
    );
  }
  return done;
}
