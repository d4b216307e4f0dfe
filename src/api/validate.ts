/**
 * Argument checks at the public API edge, shared by every entry point that
 * throws `HoltError`: a wrong type or an out-of-range number is reported as
 * INVALID_ARGUMENT before anything is read or written, instead of surfacing
 * later as a TypeError or being silently ignored (`scan(42)` listing
 * everything, `DB.open(dir, 'readOnly')` opening writable).
 *
 * Every check is a `typeof` test or a loop over an options object's keys: no
 * allocation unless it throws, so the checks may sit on per-call paths.
 */
import { describe, invalidArgument, isRecord } from '../errors.js';
import type { Bytes, RenameOptions } from './types.js';

/**
 * The option names of `T` as a set. Taking a `Record<keyof T, true>` makes the
 * compiler reject the list when an option is added to `T` but not here, so the
 * unknown-option check never refuses a real option.
 */
export function optionNames<T>(names: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(names));
}

/**
 * `options` as a record, or undefined when omitted. Anything else (null, a
 * string, an array...) is rejected, and so is a key outside `known`: a typo
 * such as `{ readonly: true }` must not be silently ignored.
 */
export function optionsObject(options: unknown, what: string, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (options === undefined) return undefined;
  if (!isRecord(options)) throw invalidArgument(`${what} must be an object, got ${describe(options)}`);
  for (const k in options) {
    if (!known.has(k)) throw invalidArgument(`${what} has no option ${JSON.stringify(k)} (known: ${[...known].join(', ')})`);
  }
  return options;
}

/** An optional boolean field: absent (undefined) or `true`/`false`. */
export function optionalBoolean(o: Record<string, unknown>, field: string, what: string): boolean | undefined {
  const v = o[field];
  if (v !== undefined && typeof v !== 'boolean') throw invalidArgument(`${what}.${field} must be a boolean, got ${describe(v)}`);
  return v;
}

/** An optional field restricted to a few string values. */
export function optionalOneOf<T extends string>(o: Record<string, unknown>, field: string, what: string, allowed: readonly T[]): T | undefined {
  const v = o[field];
  if (v !== undefined && !allowed.includes(v as T)) {
    throw invalidArgument(`${what}.${field} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describe(v)}`);
  }
  return v as T | undefined;
}

/** An optional number field that must be finite and > 0 (and an integer when `integer`). */
export function optionalPositive(o: Record<string, unknown>, field: string, what: string, integer: boolean): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0) || (integer ? !Number.isSafeInteger(v) : !Number.isFinite(v))) {
    throw invalidArgument(`${what}.${field} must be a positive ${integer ? 'safe integer' : 'finite number'}, got ${describe(v)}`);
  }
  return v;
}

/** A callback argument. */
export function checkFunction(v: unknown, what: string): void {
  if (typeof v !== 'function') throw invalidArgument(`${what} must be a function, got ${describe(v)}`);
}

/** A key, value or bound: a string or a Uint8Array (sizes are checked where they are encoded). */
export function checkBytes(v: unknown, what: string): asserts v is Bytes {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
    throw invalidArgument(`${what} must be a string or Uint8Array, got ${describe(v)}`);
  }
}

/** A record version as returned by a write: a non-negative safe integer. */
export function checkVersion(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalidArgument(`version must be a non-negative safe integer, got ${describe(v)}`);
  }
  return v;
}

const RENAME_OPTIONS = optionNames<RenameOptions>({ overwrite: true });

/** `overwrite` from rename options (Tree.rename and the batch's rename). */
export function renameOverwrite(options: RenameOptions | undefined): boolean {
  const o = optionsObject(options, 'rename options', RENAME_OPTIONS);
  return o !== undefined && optionalBoolean(o, 'overwrite', 'rename options') === true;
}
