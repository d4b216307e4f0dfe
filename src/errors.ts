/**
 * The one error class Holt throws. Callers switch on `code`, which is stable
 * across releases; `message` is for humans and may change.
 *
 * A leaf module: it imports nothing, so every layer (api, art, store, wal,
 * db, ...) may throw HoltError without depending on another layer for it.
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

/** Every code (the Record type makes the compiler check the list is complete). */
const CODES: Readonly<Record<HoltErrorCode, true>> = {
  INVALID_ARGUMENT: true, KEY_TOO_LARGE: true, VALUE_TOO_LARGE: true, NOT_FOUND: true, ALREADY_EXISTS: true,
  TREE_NOT_FOUND: true, TREE_EXISTS: true, TREE_DROPPED: true, LOCKED: true, READ_ONLY: true, CORRUPT: true,
  CLOSED: true, IO_ERROR: true, NO_SPACE: true, BATCH_CLOSED: true, RECORD_TOO_LARGE: true, INTERNAL: true,
};

function isCode(v: unknown): v is HoltErrorCode {
  return typeof v === 'string' && Object.hasOwn(CODES, v);
}

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

/**
 * Constructing one with a code outside HoltErrorCode, a non-string message or
 * details that are not an object throws INVALID_ARGUMENT: callers switch on
 * `code`, so a code nobody switches on must never be created.
 */
export class HoltError extends Error {
  readonly code: HoltErrorCode;
  readonly file?: string;
  readonly offset?: number;
  readonly errno?: string;

  constructor(code: HoltErrorCode, message: string, details: HoltErrorDetails = {}) {
    const bad = badConstructorArgument(code, message, details);
    if (bad !== undefined) throw new HoltError('INVALID_ARGUMENT', bad);
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HoltError';
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.errno !== undefined) this.errno = details.errno;
  }
}

/** What is wrong with HoltError's arguments, or undefined. */
function badConstructorArgument(code: unknown, message: unknown, details: unknown): string | undefined {
  if (!isCode(code)) return `HoltError code must be a HoltErrorCode, got ${describe(code)}`;
  if (typeof message !== 'string') return `HoltError message must be a string, got ${describe(message)}`;
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return 'HoltError details must be an object';
  const d = details as Record<string, unknown>;
  if (d['file'] !== undefined && typeof d['file'] !== 'string') return 'HoltError details.file must be a string';
  if (d['errno'] !== undefined && typeof d['errno'] !== 'string') return 'HoltError details.errno must be a string';
  const offset = d['offset'];
  if (offset !== undefined && (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)) {
    return 'HoltError details.offset must be a non-negative safe integer';
  }
  return undefined;
}

/** Narrowing helper: `isHoltError(e, 'LOCKED')`. A `code` that is not a HoltErrorCode throws INVALID_ARGUMENT. */
export function isHoltError(e: unknown, code?: HoltErrorCode): e is HoltError {
  if (code !== undefined && !isCode(code)) throw new HoltError('INVALID_ARGUMENT', `isHoltError: ${describe(code)} is not a HoltErrorCode`);
  return e instanceof HoltError && (code === undefined || e.code === code);
}

/** The error every argument check throws: a wrong type, an out-of-range number, an unknown option. */
export function invalidArgument(message: string): HoltError {
  return new HoltError('INVALID_ARGUMENT', message);
}

/** True for a record-like object: not null, not an array, not a function. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How an error message names a wrong value: its type, and the value itself when it is short and printable. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
