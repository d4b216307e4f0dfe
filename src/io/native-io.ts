import { resolveBackend } from './backend.js';
import { closedHandle, IoError, toIoError } from './errors.js';
import { nativeBinding, type NativeBinding, type NativeFile } from './native-binding.js';
import type { FileHandle, Io, IoBackend, IoRequest, LockMode, OpenOptions, SubmitRequest } from './types.js';
import { checkFallocate, checkLockMode, checkOpenOptions, checkPath } from './validate.js';

/**
 * The addon-backed implementation: O_DIRECT where the filesystem allows it,
 * real flock, posix_fallocate, batched reads and writes in one native call, and
 * Promise variants and `submit` that run on `backend`: io_uring (every request
 * in the kernel at once) or the libuv thread pool.
 *
 * The addon validates every argument itself (a bad one throws, it never
 * aborts), so this wrapper adds no per-call JS checks on the hot path; it only
 * turns the addon's plain errors into `IoError` with the handle's path.
 *
 * A handle that is garbage collected while open closes its descriptor in the
 * addon's finalizer, which also drops its flock: whoever relies on a lock keeps
 * a reference to the handle.
 */
export class NativeIo implements Io {
  readonly kind = 'native' as const;
  readonly backend: IoBackend;
  readonly #native: NativeBinding;

  constructor(native: NativeBinding, backend: IoBackend) {
    this.#native = native;
    this.backend = backend;
  }

  /** The addon on its best backend, or throws `IoError('ENOTSUP')` when it cannot load. */
  static load(): NativeIo {
    const native = nativeBinding();
    if (native === null) throw new IoError('ENOTSUP', 'the holt_io native addon is not available');
    return new NativeIo(native, resolveBackend(native, 'auto').backend);
  }

  open(path: string, options?: OpenOptions): FileHandle {
    const p = checkPath(path);
    const o = checkOpenOptions(options);
    try {
      return new NativeFileHandle(p, this.#native.open(p, o.direct, o.create, o.readOnly, this.backend === 'io_uring', o.randomAccess), o.readOnly);
    } catch (e) {
      throw toIoError(e, p);
    }
  }

  allocAligned(size: number): Uint8Array {
    try {
      return this.#native.allocAligned(size);
    } catch (e) {
      throw toIoError(e);
    }
  }

  fsyncDir(path: string): void {
    try {
      this.#native.fsyncDir(path);
    } catch (e) {
      throw toIoError(e);
    }
  }

  async fsyncDirAsync(path: string): Promise<void> {
    try {
      await this.#native.fsyncDirAsync(path);
    } catch (e) {
      throw toIoError(e);
    }
  }

  /** One call into the addon that does nothing: the fixed cost of the boundary. */
  noop(): void {
    this.#native.noop();
  }
}

class NativeFileHandle implements FileHandle {
  readonly direct: boolean;
  readonly #f: NativeFile;
  #closed = false;

  constructor(
    readonly path: string,
    f: NativeFile,
    readonly readOnly: boolean,
  ) {
    this.#f = f;
    this.direct = f.direct;
  }

  get closed(): boolean {
    return this.#closed;
  }

  pread(buf: Uint8Array, offset: number, length?: number): number {
    try {
      return this.#f.pread(buf, offset, length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  pwrite(buf: Uint8Array, offset: number, length?: number): number {
    try {
      return this.#f.pwrite(buf, offset, length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  preadMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number[] {
    try {
      return this.#f.preadMany(requests);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  pwriteMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number {
    try {
      return this.#f.pwriteMany(requests);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  fdatasync(): void {
    try {
      this.#f.fdatasync();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  fsync(): void {
    try {
      this.#f.fsync();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  fallocate(offset: number, length: number): void {
    if (this.#closed) throw closedHandle(this.path, 'fallocate');
    // The addon passes a zero length on to posix_fallocate, whose EINVAL would read as an OS failure.
    checkFallocate(offset, length, this.path);
    try {
      this.#f.fallocate(offset, length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  ftruncate(length: number): void {
    try {
      this.#f.ftruncate(length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  size(): number {
    try {
      return this.#f.size();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  lock(mode: LockMode): void {
    if (this.#closed) throw closedHandle(this.path, 'lock');
    const m = checkLockMode(mode, this.path);
    try {
      this.#f.lock(m === 'exclusive');
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  unlock(): void {
    try {
      this.#f.unlock();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#f.close();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async preadAsync(buf: Uint8Array, offset: number, length?: number): Promise<number> {
    try {
      return await this.#f.preadAsync(buf, offset, length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async pwriteAsync(buf: Uint8Array, offset: number, length?: number): Promise<number> {
    try {
      return await this.#f.pwriteAsync(buf, offset, length);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async preadManyAsync(requests: ReadonlyArray<IoRequest>): Promise<number[]> {
    try {
      return await this.#f.preadManyAsync(requests);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  submit(requests: ReadonlyArray<SubmitRequest>): Array<Promise<number>> {
    let pending: Array<Promise<number>>;
    try {
      pending = this.#f.submit(requests);
    } catch (e) {
      throw toIoError(e, this.path);
    }
    const path = this.path;
    return pending.map((p) =>
      p.catch((e: unknown) => {
        throw toIoError(e, path);
      }),
    );
  }

  async pwriteManyAsync(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): Promise<number> {
    try {
      return await this.#f.pwriteManyAsync(requests);
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async fdatasyncAsync(): Promise<void> {
    try {
      await this.#f.fdatasyncAsync();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }

  async fsyncAsync(): Promise<void> {
    try {
      await this.#f.fsyncAsync();
    } catch (e) {
      throw toIoError(e, this.path);
    }
  }
}
