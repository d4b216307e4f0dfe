import { isMainThread } from 'node:worker_threads';
import { invalidArg, IoError } from './errors.js';
import type { NativeBinding } from './native-binding.js';
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
 * `auto` means io_uring when this thread can set up a ring (on the main
 * thread; worker threads get the pool for now, see resolveBackend), else the
 * thread pool. Asking for `io_uring` outright (option or HOLT_IO) never falls back: it
 * throws `ENOTSUP` with the reason, so a benchmark or a deployment that relies
 * on it cannot silently run on the pool.
 */
export type BackendChoice = IoBackend | 'auto';

export interface IoSelection {
  impl: 'native' | 'fs';
  backend: BackendChoice;
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

/** The backend the addon will really use for `choice`; `io_uring` it cannot set up throws `ENOTSUP`. */
export function resolveBackend(native: NativeBinding, choice: BackendChoice): IoBackend {
  if (choice === 'threadpool') return 'threadpool';
  // Known issue: terminating a worker thread while its ring has reads in
  // flight can crash the process at exit (docs/IO.md). Until that is fixed,
  // 'auto' gives worker threads the thread pool; asking for io_uring still works.
  if (choice === 'auto' && !isMainThread) return 'threadpool';
  const why = native.ioUringError();
  if (why === null) return 'io_uring';
  if (choice === 'auto') return 'threadpool';
  throw new IoError('ENOTSUP', `io_uring is not available here: ${why}`, { syscall: 'io_uring_setup' });
}
