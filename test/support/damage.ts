import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Damage one byte of `file` in place: XOR the byte at `offset` with `mask` (never 0, so the byte changes). */
export function flipByte(file: string, offset: number, mask = 0x5a): void {
  const fd = openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    if (readSync(fd, b, 0, 1, offset) !== 1) throw new Error(`flipByte: ${file} has no byte at ${offset}`);
    b[0] = b[0]! ^ mask;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}
