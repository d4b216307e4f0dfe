/**
 * One checkpoint round: capture, write, publish, retire.
 *
 * 1. Capture (synchronous, so no write can interleave): switch appends to a
 *    new WAL segment; copy every dirty frame's bytes into an aligned buffer,
 *    seal it with its checksum and give it a fresh slot; snapshot the catalog
 *    and tree roots into the next manifest. Frames written after this point
 *    are simply dirty again and belong to the next round.
 * 2. Make the old WAL segments durable, write the images, fdatasync the data
 *    file.
 * 3. Publish the manifest (tmp + rename + directory fsync). This is the
 *    commit point: before it, a crash reopens the old manifest plus every WAL
 *    segment; after it, the new manifest plus the new segment.
 * 4. Delete the WAL segments the manifest covers and free the slots no
 *    manifest names any more.
 */
import { FRAME_SIZE } from '../layout/frame-header.js';
import { sealFrameImage } from '../store/frame-checksum.js';
import type { FilePager } from '../store/file-pager.js';
import type { Manifest } from '../store/manifest.js';

export interface CapturedImage {
  frameId: number;
  slot: number;
  image: Uint8Array;
}

export interface CapturedRound {
  images: CapturedImage[];
  manifest: Manifest;
  /** Slots that stop being named once `manifest` is published. */
  supersededSlots: number[];
  /** WAL segments (numbers) fully covered by `manifest`. */
  coveredSegments: number[];
}

/** Step 1: capture the dirty frames of `pager` into images with fresh slots. */
export function captureDirtyFrames(pager: FilePager): { images: CapturedImage[]; superseded: number[] } {
  const images: CapturedImage[] = [];
  const superseded: number[] = [];
  for (const f of pager.dirty) {
    const image = pager.io.allocAligned(FRAME_SIZE);
    image.set(f.u8);
    sealFrameImage(image);
    const slot = pager.takeSlot();
    const old = pager.slots.get(f.id);
    if (old !== undefined) superseded.push(old);
    images.push({ frameId: f.id, slot, image });
    f.dirty = false;
    pager.inflight.add(f.id);
  }
  pager.dirty.clear();
  for (const id of pager.released) {
    const old = pager.slots.get(id);
    if (old !== undefined) superseded.push(old);
  }
  return { images, superseded };
}

/** Step 2: write every image at its slot, then fdatasync the data file. */
export async function writeImages(pager: FilePager, images: readonly CapturedImage[]): Promise<number> {
  let bytes = 0;
  // Batches of 32 frames keep the pinned memory of one write call bounded.
  for (let i = 0; i < images.length; i += 32) {
    const batch = images.slice(i, i + 32).map((c) => ({ buf: c.image, offset: c.slot * FRAME_SIZE }));
    bytes += await pager.data.pwriteManyAsync(batch);
  }
  if (images.length > 0) await pager.data.fdatasyncAsync();
  return bytes;
}
