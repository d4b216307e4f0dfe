import * as path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ioUringAvailable, loadIo, nativeIoAvailable, type FileHandle, type Io, type IoBackend, type OpenOptions } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';

export interface Implementation {
  name: 'native' | 'fs';
  backend: IoBackend;
  /** For test titles: `describe.each(implementations)('... ($label)')`. */
  label: string;
  io: () => Io;
}

/**
 * Every implementation and backend, for `describe.each`: the addon on io_uring
 * (where this kernel allows it; test/io/backend.test.ts fails if it should and
 * does not) and on the thread pool, and node:fs. The native one must load
 * here: CI builds it.
 */
export const implementations: Implementation[] = [
  ...(ioUringAvailable()
    ? [{ name: 'native', backend: 'io_uring', label: 'native, io_uring', io: () => loadIo({ prefer: 'native', backend: 'io_uring' }) } as const]
    : []),
  { name: 'native', backend: 'threadpool', label: 'native, threadpool', io: () => loadIo({ prefer: 'native', backend: 'threadpool' }) },
  { name: 'fs', backend: 'threadpool', label: 'fs', io: () => loadIo({ prefer: 'fs' }) },
];

/** The addon's backends only, for what node:fs cannot do (O_DIRECT). */
export const nativeImplementations: Implementation[] = implementations.filter((i) => i.name === 'native');

export { nativeIoAvailable };

/** What `perTest` sets up before each test: the Io, a fresh directory and, with `open`, `data.bin` in it. */
export interface PerTest {
  io: Io;
  dir: string;
  file: string;
  h: FileHandle;
}

/**
 * Registers beforeEach/afterEach hooks (call it inside a describe) that give
 * every test a fresh directory (removed afterwards), and with `open` an open
 * `data.bin`, closed afterwards. Read the fields inside the tests, not before.
 */
export function perTest(getIo: () => Io, open?: OpenOptions): PerTest {
  const t = {} as PerTest;
  beforeEach(() => {
    t.io = getIo();
    t.dir = testDir('io');
    t.file = path.join(t.dir, 'data.bin');
    if (open !== undefined) t.h = t.io.open(t.file, open);
  });
  afterEach(() => {
    if (open !== undefined) t.h.close();
  });
  return t;
}

/** Bytes with a recognisable pattern: byte i is (seed + i) mod 251. */
export function pattern(length: number, seed: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i) % 251;
  return out;
}

/** Byte equality without vitest's element-by-element deep compare (slow on MiB buffers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
