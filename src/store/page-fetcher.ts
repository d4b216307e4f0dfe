/**
 * PageFetcher: the reads of walks in plan mode (read-plan.ts), many at once.
 *
 * Every need of every stopped walk goes to the data file through
 * `FileHandle.submit` (io_uring where the addon has it: all requests in the
 * kernel at once), with at most MAX_IN_FLIGHT requests in flight; the rest
 * wait their turn in order. A need already in flight for another walk is
 * not read twice: both wait for the one read.
 *
 * Each read is checked as the synchronous path checks it (checked-read.ts,
 * cold-page-reader.ts): a read-index page by its own CRC (a damaged or
 * unreadable one is null: the walk loads the frame instead), a frame page
 * against the CRC its directory lists, a whole image by the frame checksum;
 * a failed read is IO_ERROR and a short one CORRUPT, with file and offset.
 * Pages that pass go into the page cache through the cold reader, as a
 * synchronous read would admit them (a leaf page on its second touch), unless
 * a slot was forgotten while they were in flight.
 */
import { HoltError } from '../errors.js';
import type { FileHandle, Io, SubmitRequest } from '../io/types.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import { PAGE_SIZE, indexPageValid } from '../layout/read-index.js';
import { crc32c } from '../checksum/crc32c.js';
import type { ColdPageReader } from './cold-page-reader.js';
import { frameImageDefect } from './frame-checksum.js';
import { NEED_FRAME, NEED_FRAME_PAGE, NEED_INDEX_PAGE, type ReadNeed, type ReadResult } from './read-plan.js';

/** Requests in flight at once, at most (the queue depth the issue asks for). */
export const MAX_IN_FLIGHT = 64;

/** A need waiting for its read, and the walks waiting for its result. */
interface Pending {
  readonly need: ReadNeed;
  readonly done: Promise<ReadResult>;
  settle(r: ReadResult): void;
}

export class PageFetcher {
  private readonly io: Io;
  private readonly data: FileHandle;
  private readonly dataPath: string;
  private readonly cold: ColdPageReader;
  private inFlight = 0;
  /** Needs not yet submitted, in the order they came. */
  private readonly queue: Pending[] = [];
  /** Needs submitted or queued, by key: a second walk waits for the same read. */
  private readonly pending = new Map<number, Pending>();
  /**
   * Aligned 4 KiB buffers for the pages in flight (O_DIRECT wants aligned
   * memory, and allocating it per read cost more than the reads' own CPU
   * time): allocated on first use, reused; a page read is copied out of its
   * buffer before the buffer goes back.
   */
  private slab: Uint8Array | null = null;
  private readonly freeSlabPages: number[] = [];

  constructor(io: Io, data: FileHandle, dataPath: string, cold: ColdPageReader) {
    this.io = io;
    this.data = data;
    this.dataPath = dataPath;
    this.cold = cold;
  }

  /** Read `needs`; resolves with a result per offset, never rejects (see PlannedReads.fetch). */
  fetch(needs: readonly ReadNeed[]): Promise<Map<number, ReadResult>> {
    const out = new Map<number, ReadResult>();
    const waits: Promise<void>[] = [];
    for (const n of needs) {
      let p = this.pending.get(n.key);
      if (p === undefined) {
        let settle!: (r: ReadResult) => void;
        const done = new Promise<ReadResult>((resolve) => { settle = resolve; });
        p = { need: n, done, settle };
        this.pending.set(n.key, p);
        this.queue.push(p);
      }
      waits.push(p.done.then((r) => { out.set(n.key, r); }));
    }
    this.pump();
    return Promise.all(waits).then(() => out);
  }

  /** Submit queued needs while there is room in flight. */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      this.submit(this.queue.splice(0, MAX_IN_FLIGHT - this.inFlight));
    }
  }

  private submit(batch: Pending[]): void {
    this.inFlight += batch.length;
    const forgets = this.cold.forgets;
    if (this.slab === null) {
      this.slab = this.io.allocAligned(MAX_IN_FLIGHT * PAGE_SIZE);
      for (let i = MAX_IN_FLIGHT - 1; i >= 0; i--) this.freeSlabPages.push(i);
    }
    const slab = this.slab;
    // At most MAX_IN_FLIGHT requests are in flight, so a page always finds a free buffer; an image gets its own.
    const slots = batch.map((p) => (p.need.kind === NEED_FRAME ? -1 : this.freeSlabPages.pop()!));
    const requests: SubmitRequest[] = batch.map((p, i) => {
      const slot = slots[i]!;
      const buf = slot < 0 ? this.io.allocAligned(FRAME_SIZE) : slab.subarray(slot * PAGE_SIZE, (slot + 1) * PAGE_SIZE);
      return { op: 'read', buf, offset: p.need.at };
    });
    let reads: Promise<number>[];
    try {
      reads = this.data.submit(requests);
    } catch (e) {
      reads = requests.map(() => Promise.reject(e));
    }
    reads.forEach((read, i) => {
      const p = batch[i]!;
      const slot = slots[i]!;
      const buf = requests[i]!.buf;
      read.then(
        (n) => {
          let bytes = buf;
          if (slot >= 0) {
            bytes = Buffer.allocUnsafe(PAGE_SIZE);
            bytes.set(buf);
            this.freeSlabPages.push(slot);
          }
          this.finish(p, this.check(p.need, bytes, n, forgets));
        },
        (e: unknown) => {
          if (slot >= 0) this.freeSlabPages.push(slot);
          this.finish(p, this.failed(p.need, e));
        },
      );
    });
  }

  private finish(p: Pending, r: ReadResult): void {
    this.inFlight--;
    this.pending.delete(p.need.key);
    p.settle(r);
    this.pump();
  }

  /** The checked result of reading `n` bytes for `need` into `buf`. */
  private check(need: ReadNeed, buf: Uint8Array, n: number, forgets: number): ReadResult {
    const c = this.cold.counters;
    c.pageReads++;
    c.pageBytesRead += n;
    // A slot forgotten meanwhile (a frame loaded whole, slots freed) may no longer hold these bytes' frame.
    const admit = forgets === this.cold.forgets;
    if (need.kind === NEED_INDEX_PAGE) {
      if (n !== PAGE_SIZE || !indexPageValid(buf, need.frameId)) return null;
      if (admit) this.cold.admitPage(need.at, buf, true);
      return buf;
    }
    const length = need.kind === NEED_FRAME ? FRAME_SIZE : PAGE_SIZE;
    if (n !== length) {
      return new HoltError('CORRUPT', `${this.dataPath}: frame ${need.frameId} truncated at byte ${need.at + n}`, { file: this.dataPath, offset: need.at + n });
    }
    if (need.kind === NEED_FRAME) {
      const defect = frameImageDefect(buf, need.frameId);
      if (defect === undefined) return buf;
      return new HoltError('CORRUPT', `${this.dataPath}: ${defect} for frame ${need.frameId} at byte ${need.at}`, { file: this.dataPath, offset: need.at });
    }
    if (crc32c(buf, 0, PAGE_SIZE) !== need.crc) {
      return new HoltError('CORRUPT', `${this.dataPath}: page checksum mismatch for frame ${need.frameId} at byte ${need.at}`, { file: this.dataPath, offset: need.at });
    }
    if (admit && need.kind === NEED_FRAME_PAGE) this.cold.admitPage(need.at, buf, need.navigation);
    return buf;
  }

  /** A read that failed: the index is an accelerator (null: load the frame), frame bytes are IO_ERROR. */
  private failed(need: ReadNeed, e: unknown): ReadResult {
    if (need.kind === NEED_INDEX_PAGE) return null;
    return new HoltError('IO_ERROR', `cannot read frame ${need.frameId} from ${this.dataPath} at byte ${need.at}: ${(e as Error).message}`, { file: this.dataPath, offset: need.at, cause: e });
  }
}
