/**
 * The one fault-injecting Io of the tests: we cannot fill a real disk or make
 * it fail an fdatasync in a test, so the handles of this Io throw (or reject
 * with, for the `...Async` calls) an IoError while `faults` says so. `faults`
 * is read on every call: a test switches faults on and off while it runs.
 */
import { IoError } from '../../src/io/errors.js';
import type { FileHandle, Io } from '../../src/io/types.js';

/** Every write call, sync and async: the default of `Faults.calls`. */
export const WRITE_CALLS: readonly string[] = ['pwrite', 'pwriteAsync', 'pwriteMany', 'pwriteManyAsync'];

/** What fails, and how: change any field at any time. */
export interface Faults {
  /** The errno the matching calls fail with; undefined: healthy. */
  errno?: string;
  /** Which FileHandle methods fail (default WRITE_CALLS). */
  calls?: readonly string[];
  /** Which files, by path (default: every file). */
  match?: (path: string) => boolean;
  /** Failures injected so far. */
  injected: number;
}

/** An Io over `base` whose file handles fail as `faults` says. */
export function faultyIo(base: Io, faults: Faults): Io {
  const failure = (call: string, path: string): string | undefined => {
    if (faults.errno === undefined || !(faults.calls ?? WRITE_CALLS).includes(call)) return undefined;
    if (faults.match !== undefined && !faults.match(path)) return undefined;
    faults.injected++;
    return faults.errno;
  };
  const wrap = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const code = failure(String(prop), target.path);
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
