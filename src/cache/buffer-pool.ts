/**
 * BufferPool: the fixed set of aligned frame buffers a file-backed DB reads
 * frames into.
 *
 * Buffers come from the I/O layer's aligned allocator (O_DIRECT needs 4 KiB
 * alignment) one at a time, until `capacity` exist; from then on a buffer is
 * only ever reused, never allocated, so the frame cache's memory is
 * `capacity x FRAME_SIZE` however many frames the data file holds. Before this
 * pool every miss allocated a fresh 512 KiB buffer and evicted ones waited for
 * the garbage collector, which let RSS grow to many times `cacheMB`.
 *
 * When every pooled buffer is held by a frame that cannot be evicted (dirty,
 * being written by a checkpoint, or in use by the running operation), the pool
 * lends an overdraft buffer instead of failing the operation. Overdraft buffers
 * are dropped when given back, so overdraft memory exists only while such a
 * state lasts; it is counted so that stats show it (the DB schedules a
 * checkpoint long before dirty frames can fill the pool).
 */
import type { Io } from '../io/types.js';

export interface PoolBuffer {
  /** The buffer's memory, for a Frame. */
  readonly bytes: ArrayBuffer;
  /** The same memory as a byte view, for reads and writes through the I/O layer. */
  readonly view: Uint8Array;
  /** False for an overdraft buffer, which is dropped when given back. */
  readonly pooled: boolean;
}

export interface BufferPoolStats {
  /** Buffers the pool may hold (from cacheMB). */
  capacity: number;
  /** Buffers allocated so far (grows to capacity, never beyond). */
  allocated: number;
  /** Allocated buffers not held by anyone. */
  free: number;
  /** Overdraft buffers lent and not yet given back. */
  overdraft: number;
  /** Overdraft buffers lent since open. */
  overdraftsTotal: number;
}

export class BufferPool {
  readonly capacity: number;
  readonly bufferSize: number;
  private readonly io: Io;
  private readonly freeList: PoolBuffer[] = [];
  private allocated = 0;
  private overdraft = 0;
  private overdraftsTotal = 0;

  constructor(io: Io, capacity: number, bufferSize: number) {
    this.io = io;
    this.capacity = capacity;
    this.bufferSize = bufferSize;
  }

  /** A free pooled buffer, a new one while the pool is below capacity, or null. */
  take(): PoolBuffer | null {
    const b = this.freeList.pop();
    if (b !== undefined) return b;
    if (this.allocated >= this.capacity) return null;
    this.allocated++;
    return this.allocate(true);
  }

  /** True when `take` would succeed without anyone giving a buffer back. */
  get hasRoom(): boolean {
    return this.freeList.length > 0 || this.allocated < this.capacity;
  }

  /** Every buffer the pool may hold exists. */
  get full(): boolean {
    return this.allocated >= this.capacity;
  }

  /** A buffer outside the pool, for when every pooled one is held. */
  lend(): PoolBuffer {
    this.overdraft++;
    this.overdraftsTotal++;
    return this.allocate(false);
  }

  /**
   * Take over a pooled buffer from another pool (a reader's reload keeps its
   * memory): false when this pool is full. `free`: it joins the free list;
   * otherwise the caller holds it.
   */
  adopt(b: PoolBuffer, free: boolean): boolean {
    if (!b.pooled || this.allocated >= this.capacity) return false;
    this.allocated++;
    if (free) this.freeList.push(b);
    return true;
  }

  /** Give up the free buffers (to another pool's `adopt`); they no longer count here. */
  disownFree(): PoolBuffer[] {
    const out = this.freeList.splice(0);
    this.allocated -= out.length;
    return out;
  }

  /** Give up `b`, held by the caller, to another pool; it no longer counts here. */
  disown(b: PoolBuffer): void {
    if (b.pooled) this.allocated--;
    else this.overdraft--;
  }

  /** The holder is done with `b`: pooled buffers are reused, overdraft ones dropped. */
  give(b: PoolBuffer): void {
    if (b.pooled) this.freeList.push(b);
    else this.overdraft--;
  }

  stats(): BufferPoolStats {
    return {
      capacity: this.capacity, allocated: this.allocated, free: this.freeList.length,
      overdraft: this.overdraft, overdraftsTotal: this.overdraftsTotal,
    };
  }

  private allocate(pooled: boolean): PoolBuffer {
    return { ...wholeAlignedBuffer(this.io, this.bufferSize), pooled };
  }
}

/**
 * `size` aligned bytes that are a whole ArrayBuffer (a Frame needs one): from
 * the I/O layer's allocator, or a private buffer if it ever returns a window
 * into a larger one (none does today).
 */
export function wholeAlignedBuffer(io: Io, size: number): { bytes: ArrayBuffer; view: Uint8Array } {
  let view = io.allocAligned(size);
  if (view.byteOffset !== 0 || view.buffer.byteLength !== size || !(view.buffer instanceof ArrayBuffer)) {
    view = new Uint8Array(size);
  }
  return { bytes: view.buffer as ArrayBuffer, view };
}
