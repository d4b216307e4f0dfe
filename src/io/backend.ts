import { invalidArg, IoError } from './errors.js';
import type { NativeBinding } from './native-binding.js';
import { detectRuntime, runtimeLabel, type JsRuntime } from './runtime.js';
import type { IoBackend } from './types.js';

/**
 * Which implementation and backend `loadIo` hands out, from its options and
 * the `HOLT_IO` environment variable.
 *
 * `HOLT_IO` supplies defaults for what the options leave out: `fs` (the node:fs
 * implementation), `native` (the addon, backend chosen automatically),
 * `io_uring` or `threadpool` (the addon with that backend). Any other value is
 * a mistake worth hearing about, so it throws `ERR_INVALID_ARG`.
 *
 * `auto` means io_uring when this runtime's event loop can watch the ring
 * (Node only: see runtime.ts) and this thread (main or worker) can set one
 * up, else the thread pool. Asking for `io_uring` outright (option or HOLT_IO) never falls
 * back: it throws `ENOTSUP` with the reason, so a benchmark or a deployment
 * that relies on it cannot silently run on the pool.
 */
export type BackendChoice = IoBackend | 'auto';

export interface IoSelection {
  impl: 'native' | 'fs';
  backend: BackendChoice;
}

/** A backend and why it was picked, in words `db.stats()` and `holt stats` show. */
export interface ResolvedBackend {
  backend: IoBackend;
  reason: string;
}

const HOLT_IO_VALUES = ['fs', 'native', 'io_uring', 'threadpool'];

export function selectIo(
  prefer: 'native' | 'fs' | undefined,
  backend: BackendChoice | undefined,
  holtIo: string | undefined,
): IoSelection {
  if (prefer === 'fs' && backend === 'io_uring') {
    throw invalidArg("loadIo: prefer 'fs' cannot have backend 'io_uring' (node:fs runs on the thread pool)");
  }
  const env = fromEnvironment(holtIo);
  const impl = prefer ?? (backend === 'io_uring' ? 'native' : (env.impl ?? 'native'));
  if (impl === 'fs') return { impl, backend: 'threadpool' };
  return { impl, backend: backend ?? env.backend ?? 'auto' };
}

function fromEnvironment(value: string | undefined): { impl?: 'native' | 'fs'; backend?: IoBackend } {
  if (value === undefined || value === '') return {};
  if (!HOLT_IO_VALUES.includes(value)) {
    throw invalidArg(`HOLT_IO must be one of ${HOLT_IO_VALUES.join(', ')}; got ${JSON.stringify(value.slice(0, 40))}`);
  }
  if (value === 'fs' || value === 'native') return { impl: value };
  return { backend: value as IoBackend };
}

/** Why this runtime cannot run the io_uring backend, or null on Node. */
export function runtimeBlocksIoUring(
  runtime: JsRuntime = detectRuntime(),
  versions: Readonly<Record<string, string | undefined>> = process.versions,
): string | null {
  if (runtime === 'node') return null;
  const label = runtimeLabel(versions);
  return runtime === 'bun'
    ? `${label} implements no libuv uv_poll, which the io_uring backend watches its completions with`
    : `${label} runs no libuv event loop, so a libuv poll on the io_uring completions would never fire`;
}

/**
 * The backend the addon will really use for `choice`, and why; `io_uring` that
 * cannot run here throws `ENOTSUP`. Off Node the ring is never even set up.
 */
export function resolveBackend(
  native: NativeBinding,
  choice: BackendChoice,
  versions: Readonly<Record<string, string | undefined>> = process.versions,
): ResolvedBackend {
  if (choice === 'threadpool') return { backend: 'threadpool', reason: 'threadpool asked for (option or HOLT_IO)' };
  const blocked = runtimeBlocksIoUring(detectRuntime(versions), versions);
  if (blocked !== null) {
    if (choice === 'auto') return { backend: 'threadpool', reason: `auto: ${blocked}` };
    throw new IoError('ENOTSUP', `io_uring is not available here: ${blocked}`, { syscall: 'io_uring_setup' });
  }
  const why = native.ioUringError();
  if (why === null) return { backend: 'io_uring', reason: choice === 'auto' ? 'auto: the kernel set up a ring' : 'io_uring asked for (option or HOLT_IO)' };
  if (choice === 'auto') return { backend: 'threadpool', reason: `auto: the kernel refused io_uring (${why})` };
  throw new IoError('ENOTSUP', `io_uring is not available here: ${why}`, { syscall: 'io_uring_setup' });
}
