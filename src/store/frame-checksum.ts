/**
 * Frame checksums: CRC32C over the whole 512 KiB image with the checksum field
 * itself counted as zero. Written by checkpoints, checked on every load, so a
 * damaged frame is reported as CORRUPT instead of answering with wrong bytes.
 */
import { crc32c } from '../checksum/crc32c.js';
import { FRAME_MAGIC, FRAME_SIZE, H_CHECKSUM, H_FRAME_ID, H_MAGIC } from '../layout/frame-header.js';

const ZERO4 = new Uint8Array(4);

export function frameChecksum(image: Uint8Array): number {
  let crc = crc32c(image, 0, H_CHECKSUM);
  crc = crc32c(ZERO4, 0, 4, crc);
  return crc32c(image, H_CHECKSUM + 4, FRAME_SIZE, crc);
}

export function sealFrameImage(image: Uint8Array): void {
  new DataView(image.buffer, image.byteOffset, image.byteLength).setUint32(H_CHECKSUM, frameChecksum(image), true);
}

/** Why an image read back for `frameId` is not valid, or undefined when it is. */
export function frameImageDefect(image: Uint8Array, frameId: number): string | undefined {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (dv.getUint32(H_MAGIC, true) !== FRAME_MAGIC) return 'bad frame magic';
  if (dv.getUint32(H_FRAME_ID, true) !== frameId) return `frame id ${dv.getUint32(H_FRAME_ID, true)}, expected ${frameId}`;
  if (dv.getUint32(H_CHECKSUM, true) !== frameChecksum(image)) return 'frame checksum mismatch';
  return undefined;
}
