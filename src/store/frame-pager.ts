/**
 * FramePager: what the walker needs from the layers below it.
 *
 * The walker asks for frames by id, allocates and releases frames, and reports
 * the frames it modifies. Whether frames live only in memory, or in a bounded
 * cache over a data file, is the pager's business.
 */
import type { Frame } from '../layout/frame.js';

export interface FramePager {
  /** The frame with this id, loading it if needed. Throws CORRUPT if it cannot be read. */
  frame(id: number): Frame;
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
}
