/**
 * FilePager: frames over a data file, with a bounded cache of resident frames.
 *
 * Frame `id` lives in data-file slot `slots.get(id)` (slot N at byte N x 512 KiB,
 * read and written with O_DIRECT where the filesystem allows). A frame not
 * resident is read on demand, synchronously, and its checksum checked. When
 * the resident set passes the budget, clean frames that the current operation
 * has not touched are evicted, least recently used first; dirty frames and
 * frames whose image a checkpoint is writing are never evicted.
 *
 * Slots are never overwritten in place: a checkpoint writes each dirty frame
 * to a fresh slot (`takeSlot`), and old slots return to the free pool only
 * after the manifest that stops naming them is durable (`retireSlots`).
 */
import { HoltError } from '../api/errors.js';
import { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { FileHandle, Io } from '../io/types.js';
import type { FramePager } from './frame-pager.js';
import { frameImageDefect } from './frame-checksum.js';

export interface CacheCounters {
  hits: number;
  misses: number;
  evictions: number;
  bytesRead: number;
}

export class FilePager implements FramePager {
  readonly io: Io;
  readonly data: FileHandle;
  readonly dataPath: string;
  /** Durable location of each frame id (as of the last published manifest, plus pending writes). */
  readonly slots: Map<number, number>;
  /** Resident frames by id (ids are small and dense: an array beats a Map on the hot path). */
  private readonly resident: (Frame | undefined)[] = [];
  private residentCount = 0;
  readonly dirty = new Set<Frame>();
  /** Frames whose captured image a checkpoint is still writing: not evictable. */
  readonly inflight = new Set<number>();
  /** Frames released since the last checkpoint (their slots free up after the next one). */
  readonly released = new Set<number>();
  private readonly freeSlots: number[] = [];
  nextSlot: number;
  nextFrameId: number;
  /** Frames the cache aims to hold. */
  readonly budgetFrames: number;
  /** Current operation stamp: frames touched under it are not evicted. */
  private opStamp = 1;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0, bytesRead: 0 };

  constructor(io: Io, data: FileHandle, dataPath: string, slots: Map<number, number>, nextSlot: number, nextFrameId: number, cacheMB: number) {
    this.io = io;
    this.data = data;
    this.dataPath = dataPath;
    this.slots = slots;
    this.nextSlot = nextSlot;
    this.nextFrameId = nextFrameId;
    this.budgetFrames = Math.max(8, Math.floor((cacheMB * 1024 * 1024) / FRAME_SIZE));
    const used = new Set(slots.values());
    for (let s = 0; s < nextSlot; s++) if (!used.has(s)) this.freeSlots.push(s);
    this.freeSlots.sort((a, b) => b - a);
  }

  /** Start a new public operation (frames it touches stay resident until the next one). */
  beginOperation(): void {
    this.opStamp++;
  }

  frame(id: number): Frame {
    const f = this.resident[id];
    if (f !== undefined) {
      f.lastTouched = this.opStamp;
      this.counters.hits++;
      return f;
    }
    return this.load(id);
  }

  /**
   * The frame for stats and other observers: a resident frame without a
   * recency touch or hit, a non-resident one read from disk without caching it
   * or counting the read. Throws like `frame()` when it cannot be read.
   */
  frameSilently(id: number): Frame {
    return this.resident[id] ?? new Frame(id, this.readImage(id, this.slotOf(id), null));
  }

  private load(id: number): Frame {
    const slot = this.slotOf(id);
    this.counters.misses++;
    if (this.residentCount >= this.budgetFrames) this.evict();
    const f = new Frame(id, this.readImage(id, slot, this.counters));
    this.resident[id] = f;
    this.residentCount++;
    f.lastTouched = this.opStamp;
    return f;
  }

  private slotOf(id: number): number {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new HoltError('CORRUPT', `frame ${id} is referenced but has no slot in the manifest`, { file: this.dataPath });
    return slot;
  }

  /** Read and check frame `id`'s image at `slot`; bytes read are added to `counters` when given. */
  private readImage(id: number, slot: number, counters: CacheCounters | null): ArrayBuffer {
    const buf = this.io.allocAligned(FRAME_SIZE);
    const offset = slot * FRAME_SIZE;
    let n: number;
    try {
      n = this.data.pread(buf, offset, FRAME_SIZE);
    } catch (e) {
      throw new HoltError('IO_ERROR', `cannot read frame ${id} from ${this.dataPath} at byte ${offset}: ${(e as Error).message}`, { file: this.dataPath, offset, cause: e });
    }
    if (counters !== null) counters.bytesRead += n;
    if (n !== FRAME_SIZE) {
      throw new HoltError('CORRUPT', `${this.dataPath}: frame ${id} truncated at byte ${offset + n}`, { file: this.dataPath, offset: offset + n });
    }
    const defect = frameImageDefect(buf, id);
    if (defect !== undefined) {
      throw new HoltError('CORRUPT', `${this.dataPath}: ${defect} for frame ${id} at byte ${offset}`, { file: this.dataPath, offset });
    }
    return buf.byteOffset === 0 && buf.buffer.byteLength === FRAME_SIZE && buf.buffer instanceof ArrayBuffer
      ? buf.buffer
      : Uint8Array.from(buf).buffer;
  }

  /** Evict about a tenth of the budget of clean, untouched frames, oldest first. */
  private evict(): void {
    const candidates: [Frame, number][] = [];
    for (const f of this.resident) {
      if (f === undefined) continue;
      const t = f.lastTouched;
      if (f.dirty || t === this.opStamp || this.inflight.has(f.id)) continue;
      candidates.push([f, t]);
    }
    candidates.sort((a, b) => a[1] - b[1]);
    const n = Math.max(1, Math.ceil(this.budgetFrames / 10));
    for (let i = 0; i < n && i < candidates.length; i++) {
      const f = candidates[i]![0];
      this.resident[f.id] = undefined;
      this.residentCount--;
      this.counters.evictions++;
    }
  }

  allocateFrame(treeId: number, baseDepth: number): Frame {
    const f = Frame.create(this.nextFrameId++, treeId, baseDepth);
    this.resident[f.id] = f;
    this.residentCount++;
    f.lastTouched = this.opStamp;
    this.markDirty(f);
    return f;
  }

  releaseFrame(id: number): void {
    const f = this.resident[id];
    if (f !== undefined) {
      this.resident[id] = undefined;
      this.residentCount--;
      this.dirty.delete(f);
      f.dirty = false;
    }
    this.released.add(id);
  }

  markDirty(frame: Frame): void {
    frame.dirty = true;
    this.dirty.add(frame);
  }

  get frameCount(): number {
    let n = 0;
    for (const id of this.slots.keys()) if (!this.released.has(id)) n++;
    for (const f of this.resident) if (f !== undefined && !this.slots.has(f.id)) n++;
    return n;
  }

  get residentFrames(): number {
    return this.residentCount;
  }

  /** A data-file slot for a new image: the lowest free one, or a new one at the end. */
  takeSlot(): number {
    return this.freeSlots.pop() ?? this.nextSlot++;
  }

  /** Slots no durable manifest names any more. */
  retireSlots(slots: Iterable<number>): void {
    for (const s of slots) this.freeSlots.push(s);
    this.freeSlots.sort((a, b) => b - a);
  }
}
