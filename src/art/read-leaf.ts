/**
 * Reading a found leaf: copies of its key and value that stay valid after
 * later writes (the frame bytes they came from are reused by the next write,
 * a compaction or an eviction), or a borrowed view of the value for a caller
 * that consumes it before the next step.
 *
 * Every reader of a record goes through these (`get`, `getRecord`,
 * `longestPrefix`, scans, atomic-batch guards, rename), so what "a copy of the
 * value" means is decided once.
 *
 * Copies are carved from shared 8 KiB slabs, as `Buffer.allocUnsafe` carves
 * small Buffers from its 8 KiB pool (a kept copy keeps its slab alive, the
 * same trade Node makes), and filled a 64-bit word at a time through aligned
 * views of frame and slab: a copy keeps the source's offset modulo 8, so both
 * sides of every word are aligned. For the short keys and values of metadata
 * stores this costs a third of a byte loop or a native `copy` call (which
 * allocates a view per call). Larger copies get a Buffer of their own.
 */
import type { Frame } from '../layout/frame.js';
import { leafKeyLen, leafKeyStart, leafValueLen, leafVersion } from '../layout/leaf.js';

/** A record copied out of its leaf. */
export interface LeafRecord {
  key: Buffer;
  value: Buffer;
  version: number;
}

const SLAB_BYTES = 8192;
/** Copies longer than this get their own Buffer and a native copy. */
const SLAB_MAX_COPY = 1024;

type BufferView = new (bytes: ArrayBuffer, byteOffset: number, length: number) => Buffer;
/** Node's Buffer class proper (`Buffer[Symbol.species]`): a view on an ArrayBuffer without `Buffer.from`'s argument checks. */
const FastBuffer: BufferView = viewConstructor();

function viewConstructor(): BufferView {
  const species = (Buffer as unknown as { [Symbol.species]?: BufferView })[Symbol.species];
  if (typeof species === 'function') {
    const probe = new species(new ArrayBuffer(8), 4, 2);
    if (probe instanceof Buffer && probe.byteOffset === 4 && probe.length === 2) return species;
  }
  return class { constructor(b: ArrayBuffer, o: number, n: number) { return Buffer.from(b, o, n); } } as unknown as BufferView;
}

let slab = new ArrayBuffer(SLAB_BYTES);
let slabWords = new BigUint64Array(slab);
let slabBytes = new Uint8Array(slab);
let slabAt = 0;

/** Reserve `n` bytes of the current slab (a fresh one when it is full); returns their 8-aligned offset. */
function carve(n: number): number {
  let at = slabAt;
  if (at + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabWords = new BigUint64Array(slab);
    slabBytes = new Uint8Array(slab);
    at = 0;
  }
  slabAt = (at + n + 7) & ~7;
  return at;
}

/**
 * Copy frame bytes `[start, start+len)` (at most SLAB_MAX_COPY) into the
 * slab; returns their offset there. Whole aligned 64-bit words are moved
 * (optimized code moves BigUint64Array elements as raw words, no BigInt):
 * the word holding the last byte lies in the frame (its size is a multiple
 * of 8), and `carve` reserves slab space to a word.
 */
function copyToSlab(f: Frame, start: number, len: number): number {
  const mis = start & 7;
  const at = carve(len + mis);
  const src = f.u64;
  const dst = slabWords;
  const s = (start - mis) >>> 3;
  const d = at >>> 3;
  const words = (len + mis + 7) >>> 3;
  for (let i = 0; i < words; i++) dst[d + i] = src[s + i]!;
  return at + mis;
}

/** A copy of frame bytes `[start, start+len)`. */
export function copyFrameBytes(f: Frame, start: number, len: number): Buffer {
  if (len > SLAB_MAX_COPY) return copyOut(f.u8, start, len);
  const at = copyToSlab(f, start, len);
  return new FastBuffer(slab, at, len);
}

/**
 * A key and the value stored right after it in one leaf, copied together:
 * `copyPair(f, start, keyLen, valueLen)` returns the key and leaves the
 * value in `outCopyPair.value`.
 */
export function copyPair(f: Frame, start: number, keyLen: number, valueLen: number): Buffer {
  const n = keyLen + valueLen;
  if (n > SLAB_MAX_COPY) {
    outCopyPair.value = copyOut(f.u8, start + keyLen, valueLen);
    return copyOut(f.u8, start, keyLen);
  }
  const at = copyToSlab(f, start, n);
  outCopyPair.value = new FastBuffer(slab, at + keyLen, valueLen);
  return new FastBuffer(slab, at, keyLen);
}

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `copyPair`: the value half of the
 * pair it copied, read right after the call (valid as long as the key it returned).
 */
export const outCopyPair = { value: Buffer.alloc(0) as Buffer };

/** A Buffer copy of `src[start..start+len)`, from any byte array. */
export function copyOut(src: Uint8Array, start: number, len: number): Buffer {
  if (len > SLAB_MAX_COPY) {
    const out = Buffer.allocUnsafe(len);
    out.set(src.subarray(start, start + len));
    return out;
  }
  const at = carve(len);
  const dst = slabBytes;
  for (let i = 0; i < len; i++) dst[at + i] = src[start + i]!;
  return new FastBuffer(slab, at, len);
}

/** A copy of the key of the leaf at `off`. */
export function leafKey(f: Frame, off: number): Buffer {
  return copyFrameBytes(f, leafKeyStart(off), leafKeyLen(f, off));
}

/** A copy of the value of the leaf at `off`. */
export function leafValue(f: Frame, off: number): Buffer {
  return copyFrameBytes(f, leafKeyStart(off) + leafKeyLen(f, off), leafValueLen(f, off));
}

/** Frame bytes `[start, start+len)` as a view into the frame: valid only until the tree or the cache next changes. */
export function frameView(f: Frame, start: number, len: number): Buffer {
  return new FastBuffer(f.bytes, f.u8.byteOffset + start, len);
}

/** The value of the leaf at `off` as a view into the frame (see frameView). */
export function leafValueView(f: Frame, off: number): Buffer {
  return frameView(f, leafKeyStart(off) + leafKeyLen(f, off), leafValueLen(f, off));
}

/** Key, value (copies) and version of the leaf at `off`. */
export function leafRecord(f: Frame, off: number): LeafRecord {
  const key = copyPair(f, leafKeyStart(off), leafKeyLen(f, off), leafValueLen(f, off));
  return { key, value: outCopyPair.value, version: leafVersion(f, off) };
}
