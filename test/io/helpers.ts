import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadIo, nativeIoAvailable, type Io } from '../../src/io/index.js';

/** Both implementations, for `describe.each`. The native one must load here: CI builds it. */
export const implementations: Array<{ name: 'native' | 'fs'; io: () => Io }> = [
  { name: 'native', io: () => loadIo({ prefer: 'native' }) },
  { name: 'fs', io: () => loadIo({ prefer: 'fs' }) },
];

export { nativeIoAvailable };

/** A fresh directory on the real disk (os.tmpdir() is ext4 here, so O_DIRECT works). */
export function tempDir(prefix = 'holt-io-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Bytes with a recognisable pattern: byte i is (seed + i) mod 251. */
export function pattern(length: number, seed: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i) % 251;
  return out;
}

/** Catches a synchronous throw and returns it (fails if nothing was thrown). */
export function thrown(fn: () => unknown): { code?: unknown; path?: unknown; message: string; name: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: unknown; path?: unknown; message: string; name: string };
  }
  throw new Error('expected a throw');
}

export async function rejected(p: Promise<unknown>): Promise<{ code?: unknown; path?: unknown; message: string; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: unknown; path?: unknown; message: string; name: string };
  }
  throw new Error('expected a rejection');
}

/** Byte equality without vitest's element-by-element deep compare (slow on MiB buffers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
