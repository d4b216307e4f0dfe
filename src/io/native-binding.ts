import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { useNativeCrc32c } from '../checksum/crc32c.js';

/**
 * Loads the `holt_io` addon once, through node-gyp-build: `build/Release`
 * (a from-source build) first, then the matching file in `prebuilds/` (the
 * committed linux-x64 binary, used when `npm install` compiled nothing). The
 * package root is two levels up from this file (dist/io/ or src/io/). A failed
 * load is remembered, not retried, and its error is kept for `nativeLoadError()`.
 *
 * The shapes below are the addon's raw surface; only `native-io.ts` (and the
 * lock delegation in `fs-io.ts`) talk to it. Its errors are plain `Error`s with
 * `code`, `errno`, `syscall` and `path`; callers convert them with `toIoError`.
 */

export interface NativeRequest {
  buf: Uint8Array;
  offset: number;
}

export interface NativeSubmission extends NativeRequest {
  op: 'read' | 'write';
}

export interface NativeFile {
  readonly fd: number;
  readonly direct: boolean;
  /** Where this handle's async calls run, fixed at open. */
  readonly backend: 'io_uring' | 'threadpool';
  pread(buf: Uint8Array, offset: number, length?: number): number;
  pwrite(buf: Uint8Array, offset: number, length?: number): number;
  preadMany(requests: ReadonlyArray<NativeRequest>): number[];
  pwriteMany(requests: ReadonlyArray<NativeRequest>): number;
  fdatasync(): void;
  fsync(): void;
  fallocate(offset: number, length: number): void;
  ftruncate(length: number): void;
  size(): number;
  lock(exclusive: boolean): void;
  unlock(): void;
  close(): void;
  preadAsync(buf: Uint8Array, offset: number, length?: number): Promise<number>;
  pwriteAsync(buf: Uint8Array, offset: number, length?: number): Promise<number>;
  preadManyAsync(requests: ReadonlyArray<NativeRequest>): Promise<number[]>;
  pwriteManyAsync(requests: ReadonlyArray<NativeRequest>): Promise<number>;
  fdatasyncAsync(): Promise<void>;
  fsyncAsync(): Promise<void>;
  /** Throws on bad input or a closed handle, before anything is submitted. */
  submit(requests: ReadonlyArray<NativeSubmission>): Array<Promise<number>>;
}

export interface NativeBinding {
  /**
   * `uring`: async calls go through io_uring; throws ENOTSUP when `ioUringError()` is not null.
   * `randomAccess`: posix_fadvise(RANDOM) on a descriptor that is not O_DIRECT.
   */
  open(path: string, direct: boolean, create: boolean, readOnly: boolean, uring?: boolean, randomAccess?: boolean): NativeFile;
  /** Null when this thread's io_uring queue is set up (made on the first call), else why it cannot be. */
  ioUringError(): string | null;
  allocAligned(size: number): Uint8Array;
  fsyncDir(path: string): void;
  fsyncDirAsync(path: string): Promise<void>;
  /** flock on a descriptor the addon did not open (the fs implementation's). */
  flockFd(fd: number, exclusive: boolean): void;
  unlockFd(fd: number): void;
  /** CRC-32C of buf[from, to) continuing `seed` (native/crc32c.cc); equal to src/checksum/crc32c.ts. */
  crc32c(buf: Uint8Array, from: number, to: number, seed: number): number;
  /** The same through the C++ table version only (the fallback on CPUs without the instruction), for tests. */
  crc32cPortable(buf: Uint8Array, from: number, to: number, seed: number): number;
  /** Whether `crc32c` uses the CPU's CRC-32C instruction here (SSE4.2 on x86-64, the CRC32 extension on arm64). */
  crc32cHardware(): boolean;
  /** Does nothing; measures the cost of crossing into the addon. */
  noop(): void;
  /** SHA-256 of the native sources this binary was compiled from (native/build-stamp.mjs). */
  readonly buildStamp: string;
}

let loaded: NativeBinding | null | undefined;
let loadError: unknown;
let loadedPath: string | undefined;

export function packageRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** The addon, or null when it cannot load (see `nativeLoadError`). */
export function nativeBinding(): NativeBinding | null {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const load = require('node-gyp-build') as { resolve(dir: string): string };
    // resolve + require is what node-gyp-build's load() does; split to keep the path.
    const path = load.resolve(packageRoot());
    loaded = require(path) as NativeBinding;
    loadedPath = path;
    // A build older than native/crc32c.cc has no crc32c: checksums stay in JS.
    if (typeof loaded.crc32c === 'function') useNativeCrc32c(loaded.crc32c);
  } catch (e) {
    loadError = e;
    loaded = null;
  }
  return loaded;
}

/** The file the addon was loaded from (build/Release or prebuilds/), or undefined if it did not load. */
export function nativeBindingPath(): string | undefined {
  nativeBinding();
  return loadedPath;
}

/** Why the addon did not load, or undefined if it loaded (or was not tried). */
export function nativeLoadError(): unknown {
  return loadError;
}
