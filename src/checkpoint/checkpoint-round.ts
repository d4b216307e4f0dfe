/**
 * One checkpoint round: capture, write, publish, retire.
 *
 * 1. Capture (synchronous, so no write can interleave): switch appends to a
 *    new WAL segment; the pager copies every dirty frame's bytes into a pool
 *    buffer, seals it with its checksum and gives it a fresh slot
 *    (FilePager.captureRound); snapshot the catalog and tree roots into the
 *    next manifest. Frames written after this point are simply dirty again
 *    and belong to the next round.
 * 2. Make the old WAL segments durable, write the images, fdatasync the data
 *    file.
 * 3. Publish the manifest (tmp + rename + directory fsync). This is the
 *    commit point: before it, a crash reopens the old manifest plus every WAL
 *    segment; after it, the new manifest plus the new segment.
 * 4. Delete the WAL segments the manifest covers and free the slots no
 *    manifest names any more (FilePager.commitRound; rollbackRound when the
 *    round failed before publishing).
 *
 * The round itself runs in DurableStore.round; this module holds the write step.
 */
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { FileHandle } from '../io/types.js';
import { slotOffset, type CapturedImage } from '../store/file-pager.js';

/** Step 2: write every image and its read index at its slot, then fdatasync the data file. */
export async function writeImages(data: FileHandle, images: readonly CapturedImage[]): Promise<number> {
  let bytes = 0;
  // Batches of 32 frames keep the pinned memory of one write call bounded.
  for (let i = 0; i < images.length; i += 32) {
    const batch = images.slice(i, i + 32).flatMap((c) => [
      { buf: c.image, offset: slotOffset(c.slot) },
      { buf: c.index, offset: slotOffset(c.slot) + FRAME_SIZE },
    ]);
    bytes += await data.pwriteManyAsync(batch);
  }
  if (images.length > 0) await data.fdatasyncAsync();
  return bytes;
}
