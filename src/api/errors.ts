/**
 * The one error class Holt throws. Callers switch on `code`, which is stable
 * across releases; `message` is for humans and may change.
 */
export type HoltErrorCode =
  | 'INVALID_ARGUMENT'
  | 'KEY_TOO_LARGE'
  | 'VALUE_TOO_LARGE'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'TREE_NOT_FOUND'
  | 'TREE_EXISTS'
  | 'TREE_DROPPED'
  | 'LOCKED'
  | 'READ_ONLY'
  | 'CORRUPT'
  | 'CLOSED'
  | 'IO_ERROR'
  | 'NO_SPACE'
  | 'BATCH_CLOSED'
  | 'RECORD_TOO_LARGE'
  | 'INTERNAL';

export interface HoltErrorDetails {
  /** File the problem was found in, for CORRUPT and I/O errors. */
  file?: string;
  /** Byte offset inside `file` where the problem was found. */
  offset?: number;
  /** OS errno name (`ENOENT`, `ENOSPC`...) when an OS call failed. */
  errno?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

export class HoltError extends Error {
  readonly code: HoltErrorCode;
  readonly file?: string;
  readonly offset?: number;
  readonly errno?: string;

  constructor(code: HoltErrorCode, message: string, details: HoltErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HoltError';
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.errno !== undefined) this.errno = details.errno;
  }
}

/** Narrowing helper: `isHoltError(e, 'LOCKED')`. */
export function isHoltError(e: unknown, code?: HoltErrorCode): e is HoltError {
  return e instanceof HoltError && (code === undefined || e.code === code);
}
