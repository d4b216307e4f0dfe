/**
 * FramePager: what the walker needs from the layers below it.
 *
 * The walker asks for frames by id, allocates and releases frames, and reports
 * the frames it modifies. Whether frames live only in memory, or in a bounded
 * cache over a data file, is the pager's business.
 */
import type { Frame } from '../layout/frame.js';
import type { FrameVersions } from './frame-versions.js';
import type { SharedRoots } from './shared-roots.js';
import type { PlannedReads } from './read-plan.js';

export interface FramePager {
  /** The frame with this id for a point operation, loading it if needed. Throws CORRUPT if it cannot be read. */
  frame(id: number): Frame;
  /**
   * The frame for a scan: counted, but it neither refreshes recency nor
   * promotes the frame, so a long scan cannot push out what point reads use.
   * Held for the running operation like `frame()`.
   */
  frameForScan(id: number): Frame;
  /**
   * The frame for a walk over many frames (count, drop): a scan access that is
   * not held for the operation. The walker pins what it stands in.
   */
  walkFrame(id: number): Frame;
  /**
   * False when `frame`, obtained earlier from this pager, no longer shows this
   * pager's bytes: a snapshot's view of a live frame that a write has since
   * preserved and changed (the snapshot reads the copy now). An iterator
   * holding it seeks again. Live pagers always answer true.
   */
  isCurrent(frame: Frame): boolean;
  /** Hold `frame` for the running operation again (an iterator resuming in it). */
  touch(frame: Frame): void;
  /**
   * A count that changes whenever a frame handed out earlier may have stopped
   * being usable: the cache evicted or dropped a frame, or (for a snapshot) a
   * write preserved a frame it reads. While it stays the same, every frame
   * obtained since is still resident and current, so an iterator resuming
   * need not check its frames one by one.
   */
  readonly frameChanges: number;
  /**
   * True when frames stay resident through an operation only if that
   * operation touches them (a bounded cache): an iterator resuming must touch
   * its frames whatever `frameChanges` says.
   */
  readonly holdsByTouch: boolean;
  /** Forbid / allow again the eviction of `frame` (pins nest). */
  pin(frame: Frame): void;
  unpin(frame: Frame): void;
  /**
   * The frame with this id for an observer (stats): no cache hit, miss or
   * recency touch is recorded, and a frame read from disk is not cached.
   */
  frameSilently(id: number): Frame;
  /** A new, empty frame for `treeId` whose root sits `baseDepth` key bytes deep. */
  allocateFrame(treeId: number, baseDepth: number): Frame;
  /** The frame is no longer reachable; its id and space may be reused after the next checkpoint. */
  releaseFrame(id: number): void;
  /** The frame's bytes changed; it must be written at the next checkpoint. */
  markDirty(frame: Frame): void;
  /**
   * A new public operation begins: frames touched by earlier operations may be
   * evicted from now on, frames this one touches may not (the walker holds them).
   */
  beginOperation(): void;
  /** Number of frames currently allocated (reachable or not yet released). */
  readonly frameCount: number;
  /**
   * The operation that just began (beginOperation) writes: every frame it
   * reaches is preserved for open snapshots before it may change.
   */
  beginWrite(): void;
  /** Copy-on-write versions of frames for snapshots. */
  readonly versions: FrameVersions;
  /** Owners of the roots of shared frames, and the frame new trees go into (art/shared-frame.ts). */
  readonly shared: SharedRoots;
  /** Page-granular point reads of frames not in memory, or null (memory DBs hold every frame). */
  readonly cold: ColdReader | null;
  /** Batched reads for walks in plan mode (read-plan.ts), or null (memory DBs hold every frame). */
  readonly reads: PlannedReads | null;
}

/**
 * What a point read needs to answer from a frame's read index
 * (layout/read-index.ts) without loading the frame.
 */
export interface ColdReader {
  isResident(id: number): boolean;
  /** Counts the probe; false when the frame is read often enough to be loaded whole instead. */
  beginColdRead(id: number): boolean;
  /** The probe could not answer and the frame is loaded. */
  coldReadFellBack(): void;
  /**
   * Read-index page `page` of frame `id`, or null when it is damaged or
   * unreadable. `guess`: another index page the caller will likely read next
   * (the key's bucket, with the directory); a walk in plan mode that stops for
   * `page` reads it in the same round.
   */
  readIndexPage(id: number, page: number, guess?: number): Uint8Array | null;
  /**
   * Frame `id`'s bytes [from, to) at their offsets in a scratch frame, valid
   * until the next cold read; pages read from disk are checked against the
   * CRCs the directory page `dir` lists (CORRUPT, with file and offset, if not).
   * `navigation`: nodes a walk passes through (cached at once), not a leaf
   * (cached on its second touch). `routing`: pages of the routing region of
   * a routed image; they do not count towards loading the frame whole (they
   * stay cached as navigation pages: what makes a frame worth its 128 pages
   * is the use of its leaves).
   */
  readColdRange(id: number, from: number, to: number, dir: Uint8Array, navigation: boolean, routing?: boolean): Frame;
  /** Whether the page at byte `at` of frame `id`'s image is in the page cache. */
  pageCached(id: number, at: number): boolean;
}
