import { invalidArg } from './errors.js';
import type { LockMode, OpenOptions } from './types.js';

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

export function checkOpenOptions(options: unknown): Required<OpenOptions> {
  if (options === undefined) return { direct: false, create: false, readOnly: false };
  if (options === null || typeof options !== 'object') {
    throw invalidArg(`open options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  return { direct: flag(o, 'direct'), create: flag(o, 'create'), readOnly: flag(o, 'readOnly') };
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

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
