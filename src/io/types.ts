/**
 * The I/O contract every storage layer above this folder uses. Two
 * implementations satisfy it: the native addon (O_DIRECT-capable, in
 * `native/`) and a pure `node:fs` fallback. Both throw `IoError`
 * (an `Error` with `code`, and `path` when a file is involved).
 *
 * Offsets and lengths are plain numbers (byte counts fit in 2^53).
 */

export interface OpenOptions {
  /** Ask for O_DIRECT. Refused by the filesystem (tmpfs: EINVAL) means buffered, never failure. */
  direct?: boolean;
  /** Create the file if it does not exist. */
  create?: boolean;
  /** Open read-only. */
  readOnly?: boolean;
  /**
   * Reads will be scattered: on a buffered descriptor, tell the kernel so
   * (`posix_fadvise(POSIX_FADV_RANDOM)`) and each read fetches what it asks
   * for instead of the read-ahead window around it. Advice only: ignored with
   * O_DIRECT (nothing to advise) and by the `node:fs` fallback (it cannot give it).
   */
  randomAccess?: boolean;
}

export type LockMode = 'shared' | 'exclusive';

/** One block of a batched read or write: `buf.byteLength` bytes at `offset`. */
export interface IoRequest {
  buf: Uint8Array;
  offset: number;
}

/** One request to `FileHandle.submit`: a read into or a write from `buf`. */
export interface SubmitRequest extends IoRequest {
  op: 'read' | 'write';
}

/**
 * What runs the `...Async` calls and `submit`: `io_uring` (the native addon on
 * Linux 5.6+, every request in the kernel at once, completions on the event
 * loop) or `threadpool` (one libuv pool job per request, so at most
 * UV_THREADPOOL_SIZE, 4 by default, at once; the fs implementation's node:fs
 * calls run there too).
 */
export type IoBackend = 'io_uring' | 'threadpool';

/** One open file. Every blocking call has an `...Async` twin that runs off the event loop. */
export interface FileHandle {
  readonly path: string;
  /** True when O_DIRECT is really active on this descriptor. */
  readonly direct: boolean;
  readonly readOnly: boolean;
  readonly closed: boolean;

  /** Reads up to `length` (default: buf.length) bytes at `offset`; returns bytes read (short at EOF). */
  pread(buf: Uint8Array, offset: number, length?: number): number;
  /** Writes all of `buf` (or its first `length` bytes) at `offset`; returns bytes written. */
  pwrite(buf: Uint8Array, offset: number, length?: number): number;
  /** Many reads in one call; returns bytes read per request. */
  preadMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number[];
  /** Many writes in one call; returns total bytes written. */
  pwriteMany(requests: ReadonlyArray<{ buf: Uint8Array; offset: number }>): number;
  fdatasync(): void;
  fsync(): void;
  /** Reserve space (posix_fallocate semantics: file grows to at least offset+length); `length` is at least 1. */
  fallocate(offset: number, length: number): void;
  ftruncate(length: number): void;
  /** Current file size in bytes. */
  size(): number;
  /** Non-blocking flock; a lock held elsewhere throws with code `LOCKED`. */
  lock(mode: LockMode): void;
  unlock(): void;
  close(): void;

  preadAsync(buf: Uint8Array, offset: number, length?: number): Promise<number>;
  pwriteAsync(buf: Uint8Array, offset: number, length?: number): Promise<number>;
  /**
   * Many reads in flight at once; resolves after the last with bytes read per
   * request (short at end of file). If any failed, rejects with the error of
   * the lowest-numbered failed request, still only after every read ended, so
   * no buffer is written once the promise settles.
   */
  preadManyAsync(requests: ReadonlyArray<IoRequest>): Promise<number[]>;
  /**
   * Many writes in flight at once; resolves to the total bytes written, or
   * rejects (after every write ended) with the lowest-numbered failure.
   * Overlapping requests land in no defined order.
   */
  pwriteManyAsync(requests: ReadonlyArray<IoRequest>): Promise<number>;
  /**
   * Starts every request at once and returns one promise per request (same
   * order), each settling as its own request completes, in any order: bytes
   * read (short at end of file) or written. Every request is checked first:
   * a bad one (or a closed handle) throws and nothing is submitted. Requests
   * in one call, and calls on one handle, are not ordered among themselves.
   */
  submit(requests: ReadonlyArray<SubmitRequest>): Array<Promise<number>>;
  fdatasyncAsync(): Promise<void>;
  fsyncAsync(): Promise<void>;
}

export interface Io {
  /** Which implementation this is. */
  readonly kind: 'native' | 'fs';
  /** What runs this Io's async calls (see `IoBackend`). */
  readonly backend: IoBackend;
  open(path: string, options?: OpenOptions): FileHandle;
  /** Zeroed memory whose address and length are 4096-aligned (length rounded up). */
  allocAligned(size: number): Uint8Array;
  /** fsync a directory so that creates/renames inside it are durable. */
  fsyncDir(path: string): void;
  fsyncDirAsync(path: string): Promise<void>;
}

/** Alignment O_DIRECT needs for address, length and offset. */
export const IO_ALIGNMENT = 4096;

/** Options of `loadIo` (src/io/index.ts). */
export interface LoadIoOptions {
  /** 'native' (default) falls back to 'fs' when the addon cannot load; 'fs' always uses node:fs. */
  prefer?: 'native' | 'fs';
  /**
   * What runs the native handles' async calls: 'auto' (default: io_uring when
   * this thread can set up a ring, else the thread pool), 'io_uring' (throws
   * `ENOTSUP` where it cannot), or 'threadpool'. Overrides `HOLT_IO`.
   */
  backend?: 'auto' | IoBackend;
}
