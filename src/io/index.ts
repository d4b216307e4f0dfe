import { FsIo } from './fs-io.js';
import { nativeBinding } from './native-binding.js';
import { NativeIo } from './native-io.js';
import type { Io } from './types.js';
import { checkLoadIoOptions } from './validate.js';

/**
 * Entry point of the I/O layer. `loadIo()` returns the native addon unless it
 * cannot load, `prefer: 'fs'` is passed, or the environment sets `HOLT_IO=fs`;
 * then it returns the pure `node:fs` fallback (see `fs-io.ts` for what that
 * gives up). Each implementation is created once and shared.
 */
export type { FileHandle, Io, LockMode, OpenOptions } from './types.js';
export { IO_ALIGNMENT } from './types.js';
export { IoError, isIoError } from './errors.js';
export type { IoErrorCode, IoErrorDetails } from './errors.js';
export { nativeLoadError } from './native-binding.js';

export interface LoadIoOptions {
  /** 'native' (default) falls back to 'fs' when the addon cannot load; 'fs' always uses node:fs. */
  prefer?: 'native' | 'fs';
}

let nativeIo: NativeIo | undefined;
let fsIo: FsIo | undefined;

/** Bad options (not an object, an unknown key, another `prefer`) throw `IoError('ERR_INVALID_ARG')`. */
export function loadIo(options?: LoadIoOptions): Io {
  const prefer = checkLoadIoOptions(options);
  const wantFs = prefer === 'fs' || (prefer === undefined && process.env['HOLT_IO'] === 'fs');
  if (!wantFs) {
    const native = nativeBinding();
    if (native !== null) return (nativeIo ??= new NativeIo(native));
  }
  return (fsIo ??= new FsIo());
}

/** True when the `holt_io` addon loaded (from prebuilds/ or build/). */
export function nativeIoAvailable(): boolean {
  return nativeBinding() !== null;
}
