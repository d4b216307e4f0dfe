import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError } from '../../src/io/errors.js';
import { loadIo } from '../../src/io/index.js';
import type { FileHandle, Io } from '../../src/io/types.js';

export const io: Io = loadIo({ prefer: 'fs' });

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'holt-wal-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Which FileHandle calls fail, and with which errno, while set. */
export type Faults = Partial<Record<'pwrite' | 'pwriteAsync' | 'fdatasync' | 'fdatasyncAsync', string>>;

/**
 * An Io whose handles throw an IoError for the methods named in `faults`
 * (we cannot fill a real disk in a test). Change `faults` at any time.
 */
export function faultyIo(base: Io, faults: Faults): Io {
  const wrap = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const code = faults[prop as keyof Faults];
          if (code !== undefined) {
            const err = new IoError(code, `${code}: injected ${String(prop)} failure`, { path: target.path });
            if (String(prop).endsWith('Async')) return Promise.reject(err);
            throw err;
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    kind: base.kind,
    open: (path, options) => wrap(base.open(path, options)),
    allocAligned: (size) => base.allocAligned(size),
    fsyncDir: (path) => base.fsyncDir(path),
    fsyncDirAsync: (path) => base.fsyncDirAsync(path),
  };
}
