/**
 * FrameSpill: the synchronous writes of a spill, and the spill's counters.
 *
 * A spill is how a synchronous burst of writes (a loop of puts that never
 * yields, so no asynchronous checkpoint can run) keeps the frames it dirties
 * within the cache budget: once dirty frames fill SPILL_AT of the pool, the
 * writer makes the WAL durable and writes the oldest dirty frames' images
 * (built as a checkpoint builds them, read index included) to fresh slots,
 * blocking; the frames are clean from then on and may be evicted, and read
 * back from their spill slot. Nothing is published: the next checkpoint names
 * the spill slots in its manifest as they are (FilePager.captureRound), and
 * until then a crash forgets them (replay from the published manifest
 * rebuilds what they held). Which slots a spill may use and when they are
 * free again is the SlotMap's ("spilled"); which frames are dirty is the
 * FilePager's, which drives the spill. This module writes images and counts.
 */
import type { FileHandle, Io } from '../io/types.js';
import type { Frame } from '../layout/frame.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import { READ_INDEX_BYTES } from '../layout/read-index.js';
import { wholeAlignedBuffer } from '../cache/buffer-pool.js';
import { buildFrameImage, type ImageWriters } from './frame-image.js';
import { slotOffset } from './slot-map.js';

/** A spill starts once dirty frames fill this share of the pool... */
export const SPILL_AT = 3 / 4;
/**
 * ...or leave fewer than this many buffers to the frames an operation walks
 * (clean ones can be evicted, and a walk holds a few at once: root, routing
 * frames, the leaf, a spillover's new frame); but never at half the pool or
 * less, where a checkpoint round is due (FilePager.underMemoryPressure).
 */
export const SPILL_RESERVE_FRAMES = 8;
/** ...and writes the oldest dirty frames until this share is left dirty (the newest: the ones a burst is most likely to change again). */
export const SPILL_DOWN_TO = 1 / 4;
/** Images written per write call: the spill's own buffers (outside the pool) hold this many. */
export const SPILL_BATCH = 16;

/** What spills did since open (public in DurableStats.spill). */
export interface SpillCounters {
  /** Spills run: each made the WAL durable once, then wrote a batch of dirty frames. */
  spills: number;
  /** Frame images spills wrote. */
  framesSpilled: number;
  /** Bytes spills wrote (images and read indexes). */
  bytesWritten: number;
  /** Spilled images a checkpoint published in place, without writing them again. */
  framesPublished: number;
  /** Spill slots freed unpublished: their frame changed again (or was released) before a checkpoint published them. */
  slotsDiscarded: number;
  /** Spills that failed (the WAL or the data file refused a write); their frames stayed dirty. */
  failed: number;
  /** Message of the last failed spill, null once one succeeds. */
  lastError: string | null;
  /** Time spent spilling, in milliseconds (the writer was blocked that long). */
  millis: number;
}

export function newSpillCounters(): SpillCounters {
  return { spills: 0, framesSpilled: 0, bytesWritten: 0, framesPublished: 0, slotsDiscarded: 0, failed: 0, lastError: null, millis: 0 };
}

export class FrameSpill {
  readonly counters = newSpillCounters();
  private readonly io: Io;
  private readonly data: FileHandle;
  private readonly writers: ImageWriters;
  /** Image and read-index buffers of one batch, allocated at the first spill and kept. */
  private readonly images: { bytes: ArrayBuffer; view: Uint8Array }[] = [];
  private readonly indexes: Uint8Array[] = [];

  constructor(io: Io, data: FileHandle, writers: ImageWriters) {
    this.io = io;
    this.data = data;
    this.writers = writers;
  }

  /** Write the images of `frames` (at most SPILL_BATCH) to `slots`, blocking; throws what the data file throws. */
  write(frames: readonly Frame[], slots: readonly number[]): void {
    const requests: { buf: Uint8Array; offset: number }[] = [];
    for (let k = 0; k < frames.length; k++) {
      if (k === this.images.length) {
        this.images.push(wholeAlignedBuffer(this.io, FRAME_SIZE));
        this.indexes.push(this.io.allocAligned(READ_INDEX_BYTES));
      }
      const image = this.images[k]!;
      buildFrameImage(frames[k]!, image.bytes, image.view, this.indexes[k]!, this.writers);
      requests.push({ buf: image.view, offset: slotOffset(slots[k]!) }, { buf: this.indexes[k]!, offset: slotOffset(slots[k]!) + FRAME_SIZE });
    }
    this.counters.bytesWritten += this.data.pwriteMany(requests);
    this.counters.framesSpilled += frames.length;
  }
}
