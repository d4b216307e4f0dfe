/**
 * The data file's checked read: every read of frame bytes (a whole image on a
 * load, a run of 4 KiB pages on a cold read) goes through `readFrameBytes`, so
 * that a failure is always reported the same way: IO_ERROR when the read
 * itself fails, CORRUPT when the file ends before the bytes do, both with the
 * data file and the byte offset. What the bytes must then satisfy (a frame
 * checksum, a listed page CRC) is the caller's check.
 */
import { HoltError } from '../errors.js';
import type { FileHandle } from '../io/types.js';

/** Read `length` bytes of frame `id` at byte `at` of `data` (at `dataPath`) into `into`, all of them or throw. */
export function readFrameBytes(data: FileHandle, dataPath: string, id: number, into: Uint8Array, at: number, length: number): void {
  let n: number;
  try {
    n = data.pread(into, at, length);
  } catch (e) {
    throw new HoltError('IO_ERROR', `cannot read frame ${id} from ${dataPath} at byte ${at}: ${(e as Error).message}`, { file: dataPath, offset: at, cause: e });
  }
  if (n !== length) {
    throw new HoltError('CORRUPT', `${dataPath}: frame ${id} truncated at byte ${at + n}`, { file: dataPath, offset: at + n });
  }
}
