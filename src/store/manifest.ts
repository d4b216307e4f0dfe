/**
 * Manifest: the durable map from frame ids to data-file slots, plus what a
 * database needs to find its trees again.
 *
 * ```
 *  +0  u32 magic "HMAN"          +4  u32 format version (3)
 *  +8  f64 version high-water    +16 u32 first live WAL segment
 *  +20 u32 next frame id         +24 u32 next slot
 *  +28 u32 catalog record count, then per record: u32 key len, key, u32 value len, value
 *      u32 tree count, then per tree: f64 tree id, u32 root frame id, f64 key count,
 *          u16 root index, u16 flags (bit 0: the root frame is a shared frame)
 *      u32 frame count, then per frame: u32 frame id, u32 slot
 *  last 4 bytes: CRC32C of everything before
 * ```
 * Published atomically: written to `MANIFEST.tmp`, fdatasynced, renamed over
 * `MANIFEST`, and the directory fsynced. A crash at any step leaves either the
 * old or the new manifest, each consistent with the frames it names (frames
 * are always written to fresh slots, never over a slot a manifest names).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync, fdatasyncSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import { crc32c } from '../checksum/crc32c.js';
import type { Io } from '../io/types.js';

export const MANIFEST_FILE = 'MANIFEST';
const MANIFEST_MAGIC = 0x4e414d48; // "HMAN"
/**
 * 3: each tree's root location adds a root index and flags (small trees are
 * roots of shared frames). 2 is still read: every tree at root 0 of a frame of
 * its own. 2: data-file slots hold a frame image and its read index
 * (SLOT_BYTES); format 1 slots held the image alone and cannot be read by
 * this version.
 */
const MANIFEST_VERSION = 3;
/** A tree entry: its fields' offsets and sizes (format 2 ends before the root index). */
const TREE_ID = 0;
const TREE_ROOT_FRAME = 8;
const TREE_KEY_COUNT = 12;
const TREE_ROOT_INDEX = 20;
const TREE_FLAGS = 22;
const TREE_ENTRY_V2 = 20;
const TREE_ENTRY = 24;
const TREE_SHARED = 1;
/** A frame entry: u32 frame id, then u32 slot. */
const FRAME_ENTRY_SLOT = 4;
const FRAME_ENTRY = 8;

export interface ManifestTree {
  treeId: number;
  rootFrameId: number;
  /** The tree's root in that frame (0 unless the frame is shared). */
  rootIndex: number;
  /** The root frame is a shared frame (layout/frame-header.ts). */
  shared: boolean;
  keyCount: number;
}

export interface Manifest {
  highWater: number;
  walSegment: number;
  nextFrameId: number;
  nextSlot: number;
  catalog: { key: Uint8Array; value: Uint8Array }[];
  trees: ManifestTree[];
  frames: Map<number, number>;
}

export function emptyManifest(): Manifest {
  return { highWater: 0, walSegment: 1, nextFrameId: 1, nextSlot: 0, catalog: [], trees: [], frames: new Map() };
}

export function encodeManifest(m: Manifest): Buffer {
  let size = 32 + 4 + 4 + 4;
  for (const r of m.catalog) size += 8 + r.key.length + r.value.length;
  size += m.trees.length * TREE_ENTRY + m.frames.size * FRAME_ENTRY;
  const b = Buffer.alloc(size);
  let p = 0;
  p = b.writeUInt32LE(MANIFEST_MAGIC, p);
  p = b.writeUInt32LE(MANIFEST_VERSION, p);
  p = b.writeDoubleLE(m.highWater, p);
  p = b.writeUInt32LE(m.walSegment, p);
  p = b.writeUInt32LE(m.nextFrameId, p);
  p = b.writeUInt32LE(m.nextSlot, p);
  p = b.writeUInt32LE(m.catalog.length, p);
  for (const r of m.catalog) {
    p = b.writeUInt32LE(r.key.length, p);
    b.set(r.key, p); p += r.key.length;
    p = b.writeUInt32LE(r.value.length, p);
    b.set(r.value, p); p += r.value.length;
  }
  p = b.writeUInt32LE(m.trees.length, p);
  for (const t of m.trees) {
    p = b.writeDoubleLE(t.treeId, p);
    p = b.writeUInt32LE(t.rootFrameId, p);
    p = b.writeDoubleLE(t.keyCount, p);
    p = b.writeUInt16LE(t.rootIndex, p);
    p = b.writeUInt16LE(t.shared ? TREE_SHARED : 0, p);
  }
  p = b.writeUInt32LE(m.frames.size, p);
  for (const [id, slot] of m.frames) {
    p = b.writeUInt32LE(id, p);
    p = b.writeUInt32LE(slot, p);
  }
  b.writeUInt32LE(crc32c(b, 0, p), p);
  return b;
}

export function decodeManifest(b: Buffer, file: string): Manifest {
  const corrupt = (msg: string, offset: number): HoltError =>
    new HoltError('CORRUPT', `${file}: ${msg} at byte ${offset}`, { file, offset });
  if (b.length < 36) throw corrupt('manifest truncated', b.length);
  const end = b.length - 4;
  if (b.readUInt32LE(end) !== crc32c(b, 0, end)) throw corrupt('manifest checksum mismatch', end);
  if (b.readUInt32LE(0) !== MANIFEST_MAGIC) throw corrupt('bad manifest magic', 0);
  const version = b.readUInt32LE(4);
  if (version === 1) throw corrupt('manifest format 1 (data slots without read indexes, Holt 0.1 before the buffer manager) is not readable by this version; export it with the version that wrote it', 4);
  if (version !== MANIFEST_VERSION && version !== 2) throw corrupt(`unsupported manifest version ${version}`, 4);
  let p = 8;
  const need = (n: number): void => { if (p + n > end) throw corrupt('manifest field runs past the end', p); };
  const m = emptyManifest();
  m.highWater = b.readDoubleLE(p); p += 8;
  m.walSegment = b.readUInt32LE(p); p += 4;
  m.nextFrameId = b.readUInt32LE(p); p += 4;
  m.nextSlot = b.readUInt32LE(p); p += 4;
  need(4);
  const nCat = b.readUInt32LE(p); p += 4;
  for (let i = 0; i < nCat; i++) {
    need(4); const kl = b.readUInt32LE(p); p += 4; need(kl);
    const key = Uint8Array.from(b.subarray(p, p + kl)); p += kl;
    need(4); const vl = b.readUInt32LE(p); p += 4; need(vl);
    const value = Uint8Array.from(b.subarray(p, p + vl)); p += vl;
    m.catalog.push({ key, value });
  }
  need(4);
  const nTrees = b.readUInt32LE(p); p += 4;
  const entry = version === 2 ? TREE_ENTRY_V2 : TREE_ENTRY;
  for (let i = 0; i < nTrees; i++) {
    need(entry);
    const t: ManifestTree = {
      treeId: b.readDoubleLE(p + TREE_ID), rootFrameId: b.readUInt32LE(p + TREE_ROOT_FRAME),
      keyCount: b.readDoubleLE(p + TREE_KEY_COUNT), rootIndex: 0, shared: false,
    };
    if (version !== 2) {
      t.rootIndex = b.readUInt16LE(p + TREE_ROOT_INDEX);
      t.shared = (b.readUInt16LE(p + TREE_FLAGS) & TREE_SHARED) !== 0;
    }
    m.trees.push(t);
    p += entry;
  }
  need(4);
  const nFrames = b.readUInt32LE(p); p += 4;
  need(nFrames * FRAME_ENTRY);
  for (let i = 0; i < nFrames; i++) {
    m.frames.set(b.readUInt32LE(p), b.readUInt32LE(p + FRAME_ENTRY_SLOT));
    p += FRAME_ENTRY;
  }
  if (p !== end) throw corrupt('trailing bytes in manifest', p);
  return m;
}

/**
 * Which manifest file `dir` holds now ('' when there is none): a published
 * manifest replaces the file by rename, so a new one differs in inode or
 * modification time (the inode alone can be reused at once). Taken before
 * reading, it never hides a newer manifest.
 */
export function manifestIdentity(dir: string): string {
  try {
    const s = statSync(join(dir, MANIFEST_FILE), { bigint: true });
    return `${s.ino}:${s.mtimeNs}:${s.ctimeNs}:${s.size}`;
  } catch {
    return '';
  }
}

/** Read the manifest of `dir`, or undefined for a new database. */
export function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  return decodeManifest(readFileSync(file), file);
}

/** Publish `m` atomically (tmp + fdatasync + rename + directory fsync). */
export function publishManifest(io: Io, dir: string, m: Manifest): void {
  const file = join(dir, MANIFEST_FILE);
  const tmp = `${file}.tmp`;
  const bytes = encodeManifest(m);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  io.fsyncDir(dir);
}
