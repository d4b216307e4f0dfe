/**
 * ReadPlan: what a walk may read without I/O, and what it stopped for.
 *
 * The asynchronous reads (art/batched-lookup.ts) reuse the synchronous walks
 * (`findLeaf`, the cold walk, the scan) unchanged. A walk runs with a plan
 * installed in the pager (`PlannedReads.usePlan`); the pager and the cold page
 * reader then read from memory (resident frames, the page cache) and from the
 * plan's `got` bytes only. Where a synchronous walk would read the data file,
 * they record the read in `needs` and throw NEEDS_IO instead. The caller reads
 * every need of every stopped walk at once (PlannedReads.fetch), files the
 * results in `got`, and runs the walks again from their roots: each pass gets
 * one level further, and the walk's logic exists once.
 *
 *   got    the need's key (`needKey`) -> the checked bytes read (a 4 KiB page
 *          or a 512 KiB image), null for a read-index page that is unreadable or
 *          damaged (the walk then loads the frame, as a synchronous read does),
 *          or the HoltError the read ended in (the walk throws it). Kept for
 *          the plan's life, so a page the cache declined (a leaf page on its
 *          first touch, or no room) is still there for the next pass.
 *   needs  the reads the last pass stopped for; emptied when they are filed.
 */
import type { HoltError } from '../errors.js';

/** Thrown by a walk in plan mode at the first bytes it needs that are neither in memory nor in the plan. */
export const NEEDS_IO: { readonly needsIo: true } = Object.freeze({ needsIo: true });

/** A page of a frame's read index: checked by its own CRC (null in `got` when damaged). */
export const NEED_INDEX_PAGE = 0;
/** A 4 KiB page of a frame image: checked against the CRC its read-index directory lists (`crc`). */
export const NEED_FRAME_PAGE = 1;
/** A whole 512 KiB frame image: checked by the frame checksum. */
export const NEED_FRAME = 2;

/**
 * The key of a read's result in `got`: the byte offset for a page, and a
 * negative number for a whole image (whose offset is also its first page's).
 */
export function needKey(kind: number, at: number): number {
  return kind === NEED_FRAME ? -1 - at : at;
}

/** One read a walk stopped for. */
export interface ReadNeed {
  /** Where the result is filed (`needKey(kind, at)`). */
  readonly key: number;
  /** Byte offset in the data file. */
  readonly at: number;
  readonly kind: typeof NEED_INDEX_PAGE | typeof NEED_FRAME_PAGE | typeof NEED_FRAME;
  /** The frame the bytes belong to (error messages, page-touch counts). */
  readonly frameId: number;
  /** NEED_FRAME_PAGE: the CRC the directory lists for the page. */
  readonly crc: number;
  /** NEED_FRAME_PAGE: a page a walk passes through (cached at once), not a leaf page (cached on its second touch). */
  readonly navigation: boolean;
}

/** What a read produced for a need: the checked bytes, null (a damaged index page), or the error. */
export type ReadResult = Uint8Array | null | HoltError;

export class ReadPlan {
  readonly got = new Map<number, ReadResult>();
  readonly needs: ReadNeed[] = [];
  /**
   * A scan's plan (null for a lookup's, which keeps everything for its next
   * pass): the whole images the pager took into its cache in this pass. They
   * leave `got` once the pass has made progress (`dropUsed`), so a long scan
   * does not keep every frame it read, while a pass that stopped again before
   * handing anything out still finds them (they may have been evicted since).
   */
  readonly usedFrames: Set<number> | null;
  /**
   * What the passes of this plan already told the cache, so that a walk run
   * again from its root counts its reads once, as the synchronous walk would:
   * the frames probed through their read index (and whether each was probed
   * or is to be loaded whole), and the pages touched.
   */
  readonly probed = new Map<number, boolean>();
  readonly touched = new Set<number>();

  constructor(forScan = false) {
    this.usedFrames = forScan ? new Set() : null;
  }

  /** A scan's pass made progress: forget the images it took into the cache. */
  dropUsed(): void {
    if (this.usedFrames === null) return;
    for (const key of this.usedFrames) this.got.delete(key);
    this.usedFrames.clear();
  }

  /** Record a read the running walk stopped for (once per offset per pass). */
  need(n: ReadNeed): void {
    for (const m of this.needs) if (m.key === n.key) return;
    this.needs.push(n);
  }

  /** File the results of the reads of `needs` (by default this plan's, which it then empties). */
  file(results: ReadonlyMap<number, ReadResult>, needs: readonly ReadNeed[] = this.needs): void {
    for (const n of needs) this.got.set(n.key, results.get(n.key) ?? null);
    if (needs === this.needs) this.needs.length = 0;
  }
}

/**
 * The batched reads of a file pager, as walks in plan mode need them (null on
 * a memory pager: every frame is in memory).
 */
export interface PlannedReads {
  /** From now until `usePlan(null)`, walks read only memory and `plan`'s bytes (see ReadPlan). */
  usePlan(plan: ReadPlan | null): void;
  /**
   * Read `needs` (several plans' needs at once: each is read once), results by key,
   * with up to 64 requests in flight. Never rejects: each result is the
   * checked bytes, null, or the HoltError (IO_ERROR, CORRUPT) of its read.
   * Pages read are admitted to the page cache as a synchronous read would
   * admit them, unless their slot was forgotten meanwhile.
   */
  fetch(needs: readonly ReadNeed[]): Promise<Map<number, ReadResult>>;
  /**
   * Keep every slot the current manifest names from reuse until `release()`,
   * as a reader claim does for another process: reads in flight never see
   * bytes of a reused slot. (A read-only DB's slots are the writer's; its
   * refresh closes the snapshots the reads run on.)
   */
  holdSlots(): { release(): void };
  /**
   * Read-ahead: add frame `id`'s whole image to `plan`'s needs unless it is
   * resident, already in the plan, or not in the data file.
   */
  prefetchFrame(plan: ReadPlan, id: number): void;
}
