/**
 * `tree.scan()` options at the API edge: checked, then turned into the
 * ScanSpec the iterator takes (art/scan-bounds.ts), so nothing below `api/`
 * parses options. A wrong type must be INVALID_ARGUMENT, never a scan that
 * quietly ignores the option (`scan(42)`, `{ keysOnly: 'yes' }`) and so lists
 * more than was asked for.
 */
import { HoltError } from '../errors.js';
import type { EncodingOptions, ScanOptions } from './types.js';
import { describe, invalidArgument } from '../errors.js';
import { checkBytes, optionalBoolean, optionalOneOf, optionNames, optionsObject } from './validate.js';
import { ByteScratch } from './key-codec.js';
import { copyOut } from '../art/read-leaf.js';
import type { ScanSpec } from '../art/scan-bounds.js';
import { FORM_COPY, FORM_UTF8, FORM_VIEW } from '../art/scan-entry.js';
import { MAX_KEY_BYTES } from '../layout/leaf.js';

const SCAN_OPTIONS = optionNames<ScanOptions & EncodingOptions>({
  prefix: true, startAfter: true, end: true, delimiter: true, keysOnly: true, limit: true, reverse: true,
  copy: true, keyEncoding: true, valueEncoding: true,
});
/** The values of an `Encoding` option. */
export const ENCODINGS = ['buffer', 'utf8'] as const;

const WHAT = 'scan options';

/**
 * `options` (checked here first) as the iterator's ScanSpec: bounds as the
 * scan's own copies, so later changes to the caller's arrays cannot move
 * them; the delimiter as a byte; no limit as Infinity; `copy` and the
 * encodings as the forms keys and values are handed out in (scan-entry.ts).
 * `borrowValues`: values are views into the frame (Tree.scanBorrowed).
 * Throws INVALID_ARGUMENT (KEY_TOO_LARGE for an over-long bound) before
 * anything is read. The spec is one object reused by every call: the
 * iterator's constructor reads it, before any other call can.
 */
export function toScanSpec(options: (ScanOptions & EncodingOptions) | undefined, borrowValues: boolean): ScanSpec {
  const o = optionsObject(options, WHAT, SCAN_OPTIONS);
  const prefix = o === undefined ? null : bound(o, 'prefix');
  const startAfter = o === undefined ? null : bound(o, 'startAfter');
  const end = o === undefined ? null : bound(o, 'end');
  const delim = o === undefined ? -1 : delimiter(o['delimiter']);
  const keysOnly = o !== undefined && optionalBoolean(o, 'keysOnly', WHAT) === true;
  const reverse = o !== undefined && optionalBoolean(o, 'reverse', WHAT) === true;
  const limit = o === undefined ? undefined : o['limit'];
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
    throw invalidArgument(`${WHAT}.limit must be a non-negative integer, got ${describe(limit)}`);
  }
  let keyForm = FORM_COPY;
  let valueForm = borrowValues ? FORM_VIEW : FORM_COPY;
  if (o !== undefined) {
    if (optionalBoolean(o, 'copy', WHAT) === false) keyForm = valueForm = FORM_VIEW;
    if (optionalOneOf(o, 'keyEncoding', WHAT, ENCODINGS) === 'utf8') keyForm = FORM_UTF8;
    if (optionalOneOf(o, 'valueEncoding', WHAT, ENCODINGS) === 'utf8') valueForm = FORM_UTF8;
  }
  const spec = reusedSpec;
  spec.prefix = prefix ?? EMPTY;
  spec.startAfter = startAfter;
  spec.end = end;
  spec.delimiter = delim;
  spec.keysOnly = keysOnly;
  spec.limit = (limit as number | undefined) ?? Number.POSITIVE_INFINITY;
  spec.reverse = reverse;
  spec.borrowValues = borrowValues;
  spec.keyForm = keyForm;
  spec.valueForm = valueForm;
  return spec;
}

const EMPTY = Buffer.alloc(0);
const reusedSpec: ScanSpec = {
  prefix: EMPTY, startAfter: null, end: null, delimiter: -1, keysOnly: false, limit: Number.POSITIVE_INFINITY, reverse: false,
  borrowValues: false, keyForm: FORM_COPY, valueForm: FORM_COPY,
};
const boundScratch = new ByteScratch(MAX_KEY_BYTES);

/**
 * The encoded copies of string bounds seen lately, by string: a listing
 * service asks for the same few prefixes over and over, and a string cannot
 * change, so its bytes are encoded and copied once. The scan never writes
 * to a bound nor hands one out, so scans may share a copy. Cleared when
 * full, which bounds what it holds (at most STRING_BOUNDS keys).
 */
const stringBounds = new Map<string, Buffer>();
const STRING_BOUNDS = 256;

/** A key-like bound as the scan's own copy: bytes, at most MAX_KEY_BYTES long like every key it is compared with. */
function bound(o: Record<string, unknown>, field: string): Buffer | null {
  const v = o[field];
  if (v === undefined) return null;
  if (typeof v === 'string') {
    const known = stringBounds.get(v);
    if (known !== undefined) return known;
  }
  checkBytes(v, `${WHAT}.${field}`);
  const n = boundScratch.set(v, `${WHAT}.${field}`);
  if (n > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `${WHAT}.${field} is ${n} bytes; the limit is ${MAX_KEY_BYTES}`);
  if (typeof v !== 'string') return copyOut(boundScratch.bytes, 0, n);
  // A Buffer of its own rather than a slab slice: a remembered bound should not keep a slab of returned copies alive.
  const copy = Buffer.from(boundScratch.bytes.subarray(0, n));
  if (stringBounds.size >= STRING_BOUNDS) stringBounds.clear();
  stringBounds.set(v, copy);
  return copy;
}

/** One byte: a string that is one byte in UTF-8, or an integer 0..255; -1 when absent. */
function delimiter(d: unknown): number {
  if (d === undefined) return -1;
  if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 255) return d;
  // One UTF-8 byte is one ASCII character, whose code is the byte.
  if (typeof d === 'string' && d.length === 1 && d.charCodeAt(0) < 0x80) return d.charCodeAt(0);
  throw invalidArgument(`${WHAT}.delimiter must be a single-byte string or an integer 0..255, got ${describe(d)}`);
}
