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
import { copyFrameBytes, copyOut, copyPair, frameView, pairValue } from './read-leaf.js';

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
  return f.u8.toString('utf8', start, start + len);
}

/** Bytes of any Buffer (a rollup in the scan's path) in `form`. */
export function pathOut(path: Buffer, len: number, form: number): Buffer | string {
  if (form === FORM_COPY) return copyOut(path, 0, len);
  if (form === FORM_VIEW) return path.subarray(0, len);
  return path.toString('utf8', 0, len);
}

/** The value half of the last `pairOut`. */
export const paired = { value: '' as Buffer | string };

/**
 * A key and the value stored right after it in one leaf, in their forms:
 * returns the key, leaves the value in `paired.value`. Two copies are one
 * copy (copyPair).
 */
export function pairOut(f: Frame, start: number, keyLen: number, valueLen: number, keyForm: number, valueForm: number): Buffer | string {
  if (keyForm === FORM_COPY && valueForm === FORM_COPY) {
    const key = copyPair(f, start, keyLen, valueLen);
    paired.value = pairValue;
    return key;
  }
  paired.value = bytesOut(f, start + keyLen, valueLen, valueForm);
  return bytesOut(f, start, keyLen, keyForm);
}

/** One reused key entry and one reused prefix entry (scanEach). */
export class ScanEntrySlot {
  readonly key: ScanKeyEntry<Buffer | string, Buffer | string> = { kind: 'key', key: '', value: undefined, version: 0 };
  readonly prefix: ScanPrefixEntry<Buffer | string> = { kind: 'prefix', key: '' };
}
