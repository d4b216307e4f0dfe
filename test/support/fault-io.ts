import { IoError } from '../../src/io/errors.js';
import type { FileHandle, Io } from '../../src/io/types.js';

/**
 * An Io whose handle calls fail when `decide(call, path)` names an errno (we
 * cannot fill a real disk in a test). `decide` is asked on every call, so the
 * caller can switch faults on and off while a test runs.
 */
export function injectIoFaults(base: Io, decide: (call: string, path: string) => string | undefined): Io {
  const wrap = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const code = decide(String(prop), target.path);
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
    backend: base.backend,
    open: (path, options) => wrap(base.open(path, options)),
    allocAligned: (size) => base.allocAligned(size),
    fsyncDir: (path) => base.fsyncDir(path),
    fsyncDirAsync: (path) => base.fsyncDirAsync(path),
  };
}
