import { resolveBackend, runtimeBlocksIoUring, selectIo } from './backend.js';
import { IoError } from './errors.js';
import { FsIo } from './fs-io.js';
import { nativeBinding, nativeLoadError } from './native-binding.js';
import { NativeIo } from './native-io.js';
import type { Io, IoBackend } from './types.js';
import { checkLoadIoOptions } from './validate.js';
import type { LoadIoOptions } from './types.js';

/**
 * Entry point of the I/O layer. `loadIo()` returns the native addon unless it
 * cannot load, `prefer: 'fs'` is passed, or the environment sets `HOLT_IO=fs`;
 * then it returns the pure `node:fs` fallback (see `fs-io.ts` for what that
 * gives up). The addon's async calls run on io_uring where the kernel allows
 * it, else on the libuv thread pool (`backend`, `HOLT_IO`: see `backend.ts`).
 * Each implementation and backend is created once and shared.
 */
export type { FileHandle, Io, IoBackend, IoRequest, LockMode, OpenOptions, SubmitRequest } from './types.js';
export { IO_ALIGNMENT } from './types.js';
export { IoError, isIoError } from './errors.js';
export type { IoErrorCode, IoErrorDetails } from './errors.js';
export { nativeLoadError } from './native-binding.js';

export type { LoadIoOptions } from './types.js';

const nativeIos = new Map<IoBackend, NativeIo>();
let fsIo: FsIo | undefined;
let warnedFallback = false;

/** An `Io` and why it is the one: which implementation and backend, in words (`db.stats()`, `holt stats`). */
export interface IoChoice {
  io: Io;
  reason: string;
}

/**
 * Bad options (not an object, an unknown key, another `prefer` or `backend`)
 * or a bad `HOLT_IO` throw `IoError('ERR_INVALID_ARG')`; io_uring asked for
 * where it cannot run throws `IoError('ENOTSUP')`.
 */
export function loadIo(options?: LoadIoOptions): Io {
  return chooseIo(options).io;
}

/** `loadIo`, with the reason for what it picked. */
export function chooseIo(options?: LoadIoOptions): IoChoice {
  const { prefer, backend } = checkLoadIoOptions(options);
  const want = selectIo(prefer, backend, process.env['HOLT_IO']);
  if (want.impl === 'fs') return { io: (fsIo ??= new FsIo()), reason: prefer === 'fs' ? "node:fs asked for (prefer: 'fs')" : 'node:fs asked for (HOLT_IO=fs)' };
  const native = nativeBinding();
  if (native !== null) {
    const chosen = resolveBackend(native, want.backend);
    let io = nativeIos.get(chosen.backend);
    if (io === undefined) nativeIos.set(chosen.backend, (io = new NativeIo(native, chosen.backend)));
    return { io, reason: chosen.reason };
  }
  if (want.backend === 'io_uring') {
    throw new IoError('ENOTSUP', 'io_uring needs the holt_io native addon, which did not load', { cause: nativeLoadError() });
  }
  const reason = `aligned I/O is off: the holt_io native addon did not load (${addonFailure()}), so node:fs runs everything (no O_DIRECT, no io_uring)`;
  if (!warnedFallback) {
    warnedFallback = true;
    process.emitWarning(`holt: ${reason}. Install a C++ toolchain and run \`npm rebuild holt\` to get it (docs/IO.md).`, { code: 'HOLT_NO_NATIVE_IO' });
  }
  return { io: (fsIo ??= new FsIo()), reason };
}

/** The first line of the addon's load error, short enough for a stats line. */
function addonFailure(): string {
  const e = nativeLoadError();
  const message = e instanceof Error ? e.message : String(e);
  return (message.split('\n')[0] ?? '').slice(0, 200);
}

/** True when the `holt_io` addon loaded (from prebuilds/ or build/). */
export function nativeIoAvailable(): boolean {
  return nativeBinding() !== null;
}

/**
 * True when the addon loaded and this thread can run the io_uring backend:
 * Node (not Bun or Deno, see runtime.ts), Linux 5.6+, not blocked by sysctl or seccomp.
 * Off Node it answers without touching the ring (setting one up there would panic Bun).
 */
export function ioUringAvailable(): boolean {
  if (runtimeBlocksIoUring() !== null) return false;
  const native = nativeBinding();
  return native !== null && native.ioUringError() === null;
}
