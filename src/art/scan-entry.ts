/**
 * What a scan hands out: the entry types, and the forms a key or a value
 * takes on its way out.
 *
 *  - FORM_COPY: a Buffer of its own (read-leaf.ts), valid forever; the default.
 *  - FORM_VIEW: a Buffer over Holt's memory (the frame, or the scan's path for
 *    a rollup), no bytes copied; valid until the scan's next step or any
 *    other call on the database, whichever comes first (`copy: false`).
 *  - FORM_UTF8: a string decoded straight from the stored bytes, with no
 *    Buffer in between (`keyEncoding` / `valueEncoding: 'utf8'`).
 *
 * A key-entry object is new per entry for `scan()`; `scanEach` reuses one
 * (`ScanEntrySlot`), so a listing allocates only what it returns.
 */
import type { Frame } from '../layout/frame.js';
import { copyFrameBytes, copyOut, copyPair, frameView, outCopyPair } from './read-leaf.js';

/**
 * `buf[start..end)` decoded as UTF-8. Node's `toString('utf8', start, end)`
 * checks and normalizes its arguments in JS and then calls the native
 * `utf8Slice`; keys and values are decoded once per entry, from ranges that
 * are in bounds by construction, so the check is skipped (where Node has no
 * `utf8Slice`, `toString` does the same).
 */
export const utf8Of: (buf: Buffer, start: number, end: number) => string = utf8Decoder();

function utf8Decoder(): (buf: Buffer, start: number, end: number) => string {
  type Sliced = { utf8Slice?: (start: number, end: number) => string };
  const probe = Buffer.from('ab\u00e9') as unknown as Sliced;
  if (typeof probe.utf8Slice === 'function' && probe.utf8Slice(1, 4) === 'b\u00e9') {
    return (buf, start, end) => (buf as unknown as Required<Sliced>).utf8Slice(start, end);
  }
  return (buf, start, end) => buf.toString('utf8', start, end);
}

export const FORM_COPY = 0;
export const FORM_VIEW = 1;
export const FORM_UTF8 = 2;

/** A key the scan returns (public as `ScanKeyEntry`, re-exported by api/types.ts). */
export interface ScanKeyEntry<K = Buffer, V = Buffer> {
  kind: 'key';
  key: K;
  /** Absent when `keysOnly` was set. */
  value?: V;
  version: number;
}

/** A common prefix (rollup) the scan returns instead of the keys under it. */
export interface ScanPrefixEntry<K = Buffer> {
  kind: 'prefix';
  key: K;
}

export type ScanEntry<K = Buffer, V = Buffer> = ScanKeyEntry<K, V> | ScanPrefixEntry<K>;

/** Frame bytes `[start, start+len)` in `form`. */
export function bytesOut(f: Frame, start: number, len: number, form: number): Buffer | string {
  if (form === FORM_COPY) return copyFrameBytes(f, start, len);
  if (form === FORM_VIEW) return frameView(f, start, len);
  return utf8Of(f.u8, start, start + len);
}

/** Bytes of any Buffer (a rollup in the scan's path) in `form`. */
export function pathOut(path: Buffer, len: number, form: number): Buffer | string {
  if (form === FORM_COPY) return copyOut(path, 0, len);
  if (form === FORM_VIEW) return path.subarray(0, len);
  return utf8Of(path, 0, len);
}

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `pairOut`: the value half of the
 * pair, read by the scan right after the call.
 */
export const outPair = { value: '' as Buffer | string };

/**
 * A key and the value stored right after it in one leaf, in their forms:
 * returns the key, leaves the value in `outPair.value`. Two copies are one
 * copy (copyPair).
 */
export function pairOut(f: Frame, start: number, keyLen: number, valueLen: number, keyForm: number, valueForm: number): Buffer | string {
  if (keyForm === FORM_COPY && valueForm === FORM_COPY) {
    const key = copyPair(f, start, keyLen, valueLen);
    outPair.value = outCopyPair.value;
    return key;
  }
  outPair.value = bytesOut(f, start + keyLen, valueLen, valueForm);
  return bytesOut(f, start, keyLen, keyForm);
}

/** One reused key entry and one reused prefix entry (scanEach). */
export class ScanEntrySlot {
  readonly key: ScanKeyEntry<Buffer | string, Buffer | string> = { kind: 'key', key: '', value: undefined, version: 0 };
  readonly prefix: ScanPrefixEntry<Buffer | string> = { kind: 'prefix', key: '' };
}

type AnyEntry = ScanEntry<Buffer | string, Buffer | string>;

/** A key entry: a new object for the iterator (`slot` null), the slot's reused one for scanEach. */
export function entryOfKey(slot: ScanEntrySlot | null, key: Buffer | string, value: Buffer | string | undefined, version: number): AnyEntry {
  if (slot === null) {
    return value === undefined ? { kind: 'key', key, version } : { kind: 'key', key, value, version };
  }
  const e = slot.key;
  e.key = key;
  e.value = value;
  e.version = version;
  return e;
}

/** A prefix (rollup) entry: new for the iterator, the slot's reused one for scanEach. */
export function entryOfPrefix(slot: ScanEntrySlot | null, key: Buffer | string): AnyEntry {
  if (slot === null) return { kind: 'prefix', key };
  slot.prefix.key = key;
  return slot.prefix;
}
