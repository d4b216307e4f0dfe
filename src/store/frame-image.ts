/**
 * The on-disk image of a frame: what a checkpoint round and a spill write to
 * a slot. One function for both, so a change to how an image is laid out
 * reaches every writer of images at once.
 */
import { Frame } from '../layout/frame.js';
import { sealFrameImage } from './frame-checksum.js';

/**
 * How an image is built (injected so store/ stays below art/): `layout`
 * copies the frame into its image in the routed layout (art/routed-image.ts),
 * `index` writes the read index of the sealed image (art/read-index.ts).
 */
export interface ImageWriters {
  layout: (frame: Frame, image: Frame) => void;
  index: (image: Frame, out: Uint8Array) => void;
}

/**
 * Build the image of frame `f` into the FRAME_SIZE buffer `imageBytes`
 * (`imageView` is the same memory) and its read index into `index`. `f`
 * itself is not changed.
 */
export function buildFrameImage(f: Frame, imageBytes: ArrayBuffer, imageView: Uint8Array, index: Uint8Array, writers: ImageWriters): void {
  const image = new Frame(f.id, imageBytes);
  writers.layout(f, image);
  sealFrameImage(imageView);
  // From the sealed image, so that the page CRCs cover the bytes written.
  writers.index(image, index);
}
