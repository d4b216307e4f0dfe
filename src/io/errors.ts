/**
 * `IoError`: the one error both I/O implementations throw. `code` is the OS
 * errno name (`ENOENT`, `EINVAL`, `ENOSPC`, `EBADF`...) when a system call
 * failed, or one of the codes below for failures Holt detects itself. The store
 * layer maps these onto `HoltError` codes; nothing above `store/` sees them.
 */
export type IoErrorCode =
  /** `lock()` found the flock held by another open file description. */
  | 'LOCKED'
  /** A bad argument (wrong type, negative or unaligned offset, short buffer). */
  | 'ERR_INVALID_ARG'
  /** The handle was closed through this API. */
  | 'ERR_CLOSED'
  /** Errno names: ENOENT, EINVAL, ENOSPC, EBADF, EACCES, EEXIST, EISDIR, EIO, ENOTSUP... */
  | (string & {});

export interface IoErrorDetails {
  path?: string;
  syscall?: string;
  /** Numeric errno (positive) when an OS call failed. */
  errno?: number;
  cause?: unknown;
}

/** A code that is not a non-empty string, a non-string message or non-object details throw `ERR_INVALID_ARG`. */
export class IoError extends Error {
  readonly code: IoErrorCode;
  readonly path?: string;
  readonly syscall?: string;
  readonly errno?: number;

  constructor(code: IoErrorCode, message: string, details: IoErrorDetails = {}) {
    const bad = badConstructorArgument(code, message, details);
    if (bad !== undefined) throw new IoError('ERR_INVALID_ARG', bad);
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'IoError';
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
    if (details.syscall !== undefined) this.syscall = details.syscall;
    if (details.errno !== undefined) this.errno = details.errno;
  }
}

/** What is wrong with IoError's arguments, or undefined. */
function badConstructorArgument(code: unknown, message: unknown, details: unknown): string | undefined {
  if (typeof code !== 'string' || code.length === 0) return `IoError code must be a non-empty string, got ${typeof code}`;
  if (typeof message !== 'string') return `IoError message must be a string, got ${typeof message}`;
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return 'IoError details must be an object';
  const d = details as Record<string, unknown>;
  if (d['path'] !== undefined && typeof d['path'] !== 'string') return 'IoError details.path must be a string';
  if (d['syscall'] !== undefined && typeof d['syscall'] !== 'string') return 'IoError details.syscall must be a string';
  if (d['errno'] !== undefined && (typeof d['errno'] !== 'number' || !Number.isSafeInteger(d['errno']))) return 'IoError details.errno must be an integer';
  return undefined;
}

/** Narrowing helper: `isIoError(e, 'LOCKED')`. A `code` that is not a non-empty string throws `ERR_INVALID_ARG`. */
export function isIoError(e: unknown, code?: IoErrorCode): e is IoError {
  if (code !== undefined && (typeof code !== 'string' || code.length === 0)) {
    throw new IoError('ERR_INVALID_ARG', `isIoError: code must be a non-empty string, got ${typeof code}`);
  }
  return e instanceof IoError && (code === undefined || e.code === code);
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  path?: unknown;
  syscall?: unknown;
  errno?: unknown;
}

/**
 * Converts whatever an fs call or the addon threw into an `IoError`, keeping
 * the errno name, syscall and path. `path` fills in when the source had none
 * (node:fs errors on a descriptor carry no path). Non-errors pass through as
 * the `cause` of a generic EIO so a caller always gets an `IoError`.
 */
export function toIoError(e: unknown, path?: string): IoError {
  if (e instanceof IoError) {
    if (e.path !== undefined || path === undefined) return e;
    return new IoError(e.code, `${e.message} (${path})`, {
      path,
      ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
      ...(e.errno !== undefined ? { errno: e.errno } : {}),
      cause: e.cause,
    });
  }
  if (e === null || typeof e !== 'object') {
    return new IoError('EIO', `I/O failed: ${String(e)}`, { ...(path !== undefined ? { path } : {}), cause: e });
  }
  const src = e as ErrorLike;
  // node:fs reports argument errors as ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE;
  // callers switch on one code for every bad-argument case.
  let code = typeof src.code === 'string' && src.code.length > 0 ? src.code : 'EIO';
  if (code.startsWith('ERR_INVALID_ARG') || code === 'ERR_OUT_OF_RANGE' || code === 'ERR_BUFFER_OUT_OF_BOUNDS') {
    code = 'ERR_INVALID_ARG';
  }
  const where = typeof src.path === 'string' ? src.path : path;
  const syscall = typeof src.syscall === 'string' ? src.syscall : undefined;
  const errno = typeof src.errno === 'number' && Number.isSafeInteger(src.errno) ? Math.abs(src.errno) : undefined;
  let message = typeof src.message === 'string' ? src.message : code;
  if (where !== undefined && !message.includes(where)) message = `${message} (${where})`;
  return new IoError(code, message, {
    ...(where !== undefined ? { path: where } : {}),
    ...(syscall !== undefined ? { syscall } : {}),
    ...(errno !== undefined ? { errno } : {}),
    cause: e,
  });
}

export function invalidArg(message: string, path?: string): IoError {
  return new IoError('ERR_INVALID_ARG', message, path !== undefined ? { path } : {});
}

export function closedHandle(path: string, syscall: string): IoError {
  return new IoError('ERR_CLOSED', `${syscall} on a closed handle (${path})`, { path, syscall });
}
