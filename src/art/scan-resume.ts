/**
 * Where a scan resumes: the bytes of the last entry it returned, as the
 * scan's own. A scan seeks again from there after a write (or an eviction)
 * between steps, so the bytes must not be the caller's: a key returned as a
 * view changes with the frame, and a returned copy may be changed by its
 * owner.
 *
 * A leaf key is copied when it is returned, by whole 64-bit words (a key
 * starts 8-byte aligned in its leaf): a few word moves, no allocation. A rollup is
 * not copied at all unless a seek needs it: its bytes are the scan's path,
 * which nothing changes before the next step, and a step either seeks first
 * (`settle` copies the rollup out of the path then) or replaces the
 * remembered entry with the one it returns. The buffer of a finished scan
 * serves the next one.
 */
import type { Frame } from '../layout/frame.js';
import { MAX_KEY_BYTES } from '../layout/leaf.js';

const INITIAL_BYTES = 256;

export class ResumeKey {
  private u8: Uint8Array;
  private u64: BigUint64Array;
  /** Byte length of the remembered entry; meaningful when `set`. */
  len = 0;
  /** An entry was remembered: the scan resumes after it, not at its planned start. */
  set = false;
  /** The entry was a common prefix (rollup): the scan resumes after everything under it. */
  isRollup = false;
  /** The rollup is still only in the scan's path, `[0, len)`: `settle` copies it. */
  private inPath = false;
  /** A rollup taken from a leaf's key: that leaf (its key bytes start the rollup), for `isRollupOf`. */
  private leafFrame: Frame | null = null;
  private leafKeyStart = 0;

  constructor() {
    const bytes = new ArrayBuffer(INITIAL_BYTES);
    this.u8 = new Uint8Array(bytes);
    this.u64 = new BigUint64Array(bytes);
  }

  /** Remember the key at frame bytes `[start, start+len)`; `start` is a multiple of 8 (a leaf's key). */
  fromFrame(f: Frame, start: number, len: number): void {
    this.reserve(len);
    const src = f.u64;
    const dst = this.u64;
    const s = start >>> 3;
    const words = (len + 7) >>> 3;
    for (let i = 0; i < words; i++) dst[i] = src[s + i]!;
    this.len = len;
    this.set = true;
    this.isRollup = false;
    this.inPath = false;
    this.leafFrame = null;
  }

  /**
   * Remember the rollup the scan's path holds in `[0, len)` without copying
   * it. `leaf`/`keyStart`: the leaf whose key it was cut from (null for a
   * rollup met at an edge of the tree).
   */
  rollupInPath(len: number, leaf: Frame | null, keyStart: number): void {
    this.len = len;
    this.set = true;
    this.isRollup = true;
    this.inPath = true;
    this.leafFrame = leaf;
    this.leafKeyStart = keyStart;
  }

  /** Before a seek writes the path: copy a rollup that is still only there. */
  settle(path: Uint8Array): void {
    if (!this.inPath) return;
    this.rollupFrom(path, this.len);
  }

  /** Remember the rollup `src[0..len)` (a copy). */
  rollupFrom(src: Uint8Array, len: number): void {
    this.reserve(len);
    const dst = this.u8;
    for (let i = 0; i < len; i++) dst[i] = src[i]!;
    this.len = len;
    this.set = true;
    this.isRollup = true;
    this.inPath = false;
    this.leafFrame = null;
  }

  /** Nothing remembered: the scan starts where it was planned to. */
  forget(): void {
    this.set = false;
    this.isRollup = false;
    this.len = 0;
    this.inPath = false;
    this.leafFrame = null;
  }

  /**
   * True when the entry just returned was the rollup `src[0..len)`, cut from
   * a leaf in the same run of steps (no seek since): leaves are the only
   * place a rollup can repeat, and only the next leaves in order.
   */
  isRollupOf(src: Uint8Array, len: number): boolean {
    const f = this.leafFrame;
    if (f === null || !this.inPath || this.len !== len) return false;
    const u8 = f.u8;
    const s = this.leafKeyStart;
    for (let i = len - 1; i >= 0; i--) if (u8[s + i] !== src[i]) return false;
    return true;
  }

  /** The remembered bytes as a Buffer of their own (after `settle`). */
  bytes(): Buffer {
    return Buffer.from(this.u8.subarray(0, this.len));
  }

  private reserve(len: number): void {
    if (len + 8 <= this.u8.length) return;
    // Whole words: a BigUint64Array needs a multiple of 8 bytes, and a word copy may fill the last one.
    const bytes = new ArrayBuffer(Math.max((len + 15) & ~7, Math.min(this.u8.length * 2, MAX_KEY_BYTES + 8)));
    this.u8 = new Uint8Array(bytes);
    this.u64 = new BigUint64Array(bytes);
  }
}

let spare: ResumeKey | null = null;

/** A ResumeKey with nothing remembered: a finished scan's, or a new one. */
export function takeResumeKey(): ResumeKey {
  const r = spare ?? new ResumeKey();
  spare = null;
  r.forget();
  return r;
}

/** Hand a finished scan's ResumeKey to the next scan (the finished one never reads it again). */
export function giveResumeKey(r: ResumeKey): void {
  spare = r;
}
