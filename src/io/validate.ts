import { describe } from '../errors.js';
import { invalidArg } from './errors.js';
import type { LoadIoOptions } from './types.js';
import type { LockMode, OpenOptions, SubmitRequest } from './types.js';

/**
 * Argument checks shared by both implementations, so the two reject the same
 * inputs with the same `ERR_INVALID_ARG`. The addon repeats the checks in C++
 * because it must never trust its caller; these give JS-side stack traces.
 */

/** Largest single allocation `allocAligned` accepts (2 GiB). */
export const MAX_ALLOC = 2 ** 31;

export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw invalidArg(`path must be a non-empty string without NUL, got ${describe(path)}`);
  }
  return path;
}

// `satisfies` makes the compiler reject these lists when an option is added to the type but not here.
const OPEN_OPTIONS: ReadonlySet<string> = new Set(Object.keys({ direct: true, create: true, readOnly: true, randomAccess: true } satisfies Record<keyof OpenOptions, true>));

export function checkOpenOptions(options: unknown): Required<OpenOptions> {
  if (options === undefined) return { direct: false, create: false, readOnly: false, randomAccess: false };
  const o = optionsRecord(options, 'open options', OPEN_OPTIONS);
  return { direct: flag(o, 'direct'), create: flag(o, 'create'), readOnly: flag(o, 'readOnly'), randomAccess: flag(o, 'randomAccess') };
}

const LOAD_IO_OPTIONS: ReadonlySet<string> = new Set(Object.keys({ prefer: true, backend: true } satisfies Record<keyof LoadIoOptions, true>));

/** `prefer` ('native', 'fs' or undefined) and `backend` ('auto', 'io_uring', 'threadpool' or undefined) from loadIo's options. */
export function checkLoadIoOptions(options: unknown): Pick<LoadIoOptions, 'prefer' | 'backend'> {
  if (options === undefined) return {};
  const o = optionsRecord(options, 'loadIo options', LOAD_IO_OPTIONS);
  const prefer = o['prefer'];
  if (prefer !== undefined && prefer !== 'native' && prefer !== 'fs') {
    throw invalidArg(`loadIo options.prefer must be 'native' or 'fs', got ${describe(prefer)}`);
  }
  const backend = o['backend'];
  if (backend !== undefined && backend !== 'auto' && backend !== 'io_uring' && backend !== 'threadpool') {
    throw invalidArg(`loadIo options.backend must be 'auto', 'io_uring' or 'threadpool', got ${describe(backend)}`);
  }
  return { prefer, backend };
}

/** An options object (not null, an array or a function) with no key outside `known`: a misspelt option is an error, not ignored. */
function optionsRecord(options: unknown, what: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArg(`${what} must be an object, got ${describe(options)}`);
  }
  for (const k in options) if (!known.has(k)) throw invalidArg(`${what} has no option ${JSON.stringify(k)}`);
  return options as Record<string, unknown>;
}

function flag(o: Record<string, unknown>, name: string): boolean {
  const v = o[name];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalidArg(`open option ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

export function checkBuffer(buf: unknown, path: string): Uint8Array {
  if (!(buf instanceof Uint8Array)) throw invalidArg(`buffer must be a Uint8Array, got ${describe(buf)}`, path);
  return buf;
}

/** A byte offset or count: a safe non-negative integer. */
export function checkOffset(value: unknown, what: string, path?: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArg(`${what} must be a non-negative safe integer, got ${describe(value)}`, path);
  }
  return value;
}

/** `length` defaults to the whole buffer and may not exceed it. */
export function checkLength(buf: Uint8Array, length: unknown, path: string): number {
  if (length === undefined) return buf.byteLength;
  const n = checkOffset(length, 'length', path);
  if (n > buf.byteLength) throw invalidArg(`length ${n} exceeds buffer length ${buf.byteLength}`, path);
  return n;
}

export function checkRequests(
  requests: unknown,
  path: string,
): ReadonlyArray<{ buf: Uint8Array; offset: number }> {
  if (!Array.isArray(requests)) throw invalidArg(`requests must be an array, got ${describe(requests)}`, path);
  for (let i = 0; i < requests.length; i++) {
    const r: unknown = requests[i];
    if (r === null || typeof r !== 'object') throw invalidArg(`requests[${i}] must be { buf, offset }`, path);
    const { buf, offset } = r as { buf: unknown; offset: unknown };
    checkBuffer(buf, path);
    checkOffset(offset, `requests[${i}].offset`, path);
  }
  return requests as ReadonlyArray<{ buf: Uint8Array; offset: number }>;
}

/**
 * submit()'s requests, `{ op: 'read' | 'write', buf, offset }` each, checked
 * like `checkRequests`. Returns a copy, each property read once, so a getter
 * cannot hand the I/O a different value from the one that was checked.
 */
export function checkSubmitRequests(requests: unknown, path: string): SubmitRequest[] {
  if (!Array.isArray(requests)) throw invalidArg(`requests must be an array, got ${describe(requests)}`, path);
  const out: SubmitRequest[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r: unknown = requests[i];
    if (r === null || typeof r !== 'object') throw invalidArg(`requests[${i}] must be { op, buf, offset }`, path);
    const { op, buf, offset } = r as { op: unknown; buf: unknown; offset: unknown };
    if (op !== 'read' && op !== 'write') throw invalidArg(`requests[${i}].op must be 'read' or 'write', got ${describe(op)}`, path);
    out.push({ op, buf: checkBuffer(buf, path), offset: checkOffset(offset, `requests[${i}].offset`, path) });
  }
  return out;
}

/** fallocate's range: a non-negative offset and a length of at least one byte. */
export function checkFallocate(offset: unknown, length: unknown, path: string): void {
  checkOffset(offset, 'offset', path);
  if (checkOffset(length, 'length', path) === 0) throw invalidArg('fallocate length must be at least 1', path);
}

export function checkLockMode(mode: unknown, path: string): LockMode {
  if (mode !== 'shared' && mode !== 'exclusive') {
    throw invalidArg(`lock mode must be 'shared' or 'exclusive', got ${describe(mode)}`, path);
  }
  return mode;
}

export function checkAllocSize(size: unknown): number {
  const n = checkOffset(size, 'size');
  if (n > MAX_ALLOC) throw invalidArg(`allocation of ${n} bytes exceeds the ${MAX_ALLOC}-byte limit`);
  return n;
}

