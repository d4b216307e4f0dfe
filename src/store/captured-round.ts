/**
 * What a checkpoint round captured from the FilePager (captureRound), handed
 * to the checkpoint (checkpoint/checkpoint-round.ts) to write and publish, and
 * back to the pager to end the round (commitRound or rollbackRound). The
 * images and the manifest's slot map are fixed at capture: writes that come
 * after it go to the next round.
 */
import type { PoolBuffer } from '../cache/buffer-pool.js';

/** One frame image a checkpoint writes. */
export interface CapturedImage {
  frameId: number;
  slot: number;
  image: Uint8Array;
  /** The image's read index, written right after it in the slot. */
  index: Uint8Array;
}

/** What a checkpoint captured: the images to write and the slot map the manifest publishes. */
export interface CapturedRound {
  images: CapturedImage[];
  /** Frames spilled and unchanged since (frame id, spill slot): the manifest names the spill slot, nothing is written. */
  adopted: [number, number][];
  /** Frames released before the capture: the manifest no longer names them. */
  released: number[];
  /** Slots that stop being named once the manifest is published. */
  superseded: number[];
  /** Frame id -> slot, as the manifest of this round names them. */
  frames: Map<number, number>;
  nextFrameId: number;
  nextSlot: number;
  /** Image buffers, returned to the pool when the round ends. */
  buffers: PoolBuffer[];
}
