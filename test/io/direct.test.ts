import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IO_ALIGNMENT, isIoError, loadIo, type FileHandle, type Io } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';
import { thrown } from '../support/thrown.js';
import { nativeImplementations, pattern, sameBytes } from './helpers.js';

const FRAME = 512 * 1024;

describe.each(nativeImplementations)('O_DIRECT ($label)', ({ io: getIo }) => {
  let io: Io;
  let dir: string;
  let file: string;
  let h: FileHandle;

  beforeEach(() => {
    io = getIo();
    expect(io.kind).toBe('native');
    dir = testDir('io');
    file = path.join(dir, 'blobs.dat');
    h = io.open(file, { create: true, direct: true });
  });

  afterEach(() => {
    h.close();
  });

  it('is really active on a directory on the real disk', () => {
    expect(h.direct).toBe(true);
  });

  it('round-trips 512 KiB frames through aligned buffers, sync and async', async () => {
    const out = io.allocAligned(FRAME);
    pattern(FRAME, 11, out);
    expect(h.pwrite(out, 3 * FRAME)).toBe(FRAME);
    const back = io.allocAligned(FRAME);
    expect(h.pread(back, 3 * FRAME)).toBe(FRAME);
    expect(sameBytes(back, out)).toBe(true);

    pattern(FRAME, 12, out);
    expect(await h.pwriteAsync(out, FRAME)).toBe(FRAME);
    expect(await h.preadAsync(back, FRAME)).toBe(FRAME);
    expect(sameBytes(back, out)).toBe(true);
    await h.fdatasyncAsync();
  });

  it('batches aligned frames with pwritev and preadv', async () => {
    const frames = [0, 1, 2, 5].map((slot, i) => ({ buf: pattern(FRAME, i, io.allocAligned(FRAME)), offset: slot * FRAME }));
    expect(h.pwriteMany(frames)).toBe(4 * FRAME);
    const reads = frames.map((f) => ({ buf: io.allocAligned(FRAME), offset: f.offset }));
    expect(h.preadMany(reads)).toEqual([FRAME, FRAME, FRAME, FRAME]);
    reads.forEach((r, i) => expect(sameBytes(r.buf, frames[i]!.buf)).toBe(true));
    expect(await h.pwriteManyAsync(frames)).toBe(4 * FRAME);
  });

  it('reads short at an unaligned end of file without failing', () => {
    const buffered = loadIo({ prefer: 'native' }).open(file);
    buffered.pwrite(pattern(6000, 1), 0);
    buffered.close();
    const back = io.allocAligned(3 * IO_ALIGNMENT);
    expect(h.pread(back, 0)).toBe(6000);
    expect(back.subarray(0, 6000)).toEqual(pattern(6000, 1));
  });

  it('rejects unaligned offset, length or buffer address, and keeps working', async () => {
    const aligned = io.allocAligned(2 * IO_ALIGNMENT);
    const cases: Array<() => unknown> = [
      () => h.pread(aligned, 512),
      () => h.pread(aligned, 0, 1000),
      () => h.pread(aligned.subarray(1, 1 + IO_ALIGNMENT), 0),
      () => h.pwrite(aligned, 100),
      () => h.pwrite(aligned, 0, 4097),
      () => h.pwrite(aligned.subarray(8), 0, IO_ALIGNMENT),
      () => h.preadMany([{ buf: aligned, offset: 0 }, { buf: aligned.subarray(3, 4099), offset: IO_ALIGNMENT }]),
      () => h.pwriteMany([{ buf: aligned, offset: 1 }]),
    ];
    for (const call of cases) {
      const e = thrown(call);
      expect(isIoError(e, 'ERR_INVALID_ARG'), String(call)).toBe(true);
      expect(e.message).toContain('4096');
    }
    await expect(h.pwriteAsync(aligned, 7)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(h.preadAsync(aligned.subarray(1), 0, IO_ALIGNMENT)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(h.preadManyAsync([{ buf: aligned, offset: 0 }, { buf: aligned, offset: 512 }])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(h.pwriteManyAsync([{ buf: aligned.subarray(0, 100), offset: 0 }])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    // One bad request in a submit() means none is started: the good write before it never lands.
    const marker = pattern(IO_ALIGNMENT, 77, io.allocAligned(IO_ALIGNMENT));
    const bad = thrown(() => h.submit([{ op: 'write', buf: marker, offset: 0 }, { op: 'read', buf: aligned.subarray(4), offset: 0 }]));
    expect(isIoError(bad, 'ERR_INVALID_ARG')).toBe(true);
    const first = io.allocAligned(IO_ALIGNMENT);
    h.pread(first, 0);
    expect(sameBytes(first, marker)).toBe(false);
    // A plain Uint8Array has whatever address V8 gave it: usually unaligned.
    expect(h.pwrite(aligned, 0)).toBe(2 * IO_ALIGNMENT);
  });

  it('allocAligned gives memory the kernel accepts for O_DIRECT at any size', () => {
    for (const size of [1, 4095, 4096, 4097, 100_000, FRAME]) {
      const buf = io.allocAligned(size);
      expect(buf.length % IO_ALIGNMENT).toBe(0);
      expect(buf.byteOffset).toBe(0);
      expect(buf.buffer.byteLength).toBe(buf.length);
      expect(h.pwrite(buf, 0)).toBe(buf.length);
    }
  });

  it('never fails to open where the filesystem refuses O_DIRECT: falls back to buffered', () => {
    // procfs refuses O_DIRECT with EINVAL on every kernel.
    const proc = io.open('/proc/self/status', { direct: true, readOnly: true });
    try {
      expect(proc.direct).toBe(false);
      const buf = new Uint8Array(64);
      expect(proc.pread(buf, 0)).toBeGreaterThan(0);
      expect(Buffer.from(buf).toString('latin1')).toContain('Name:');
    } finally {
      proc.close();
    }
  });

  it.skipIf(!fs.existsSync('/dev/shm'))('opens on /dev/shm (tmpfs) with direct asked for, whatever the kernel says', () => {
    // tmpfs answers EINVAL for O_DIRECT before Linux 6.6 and accepts it after;
    // either way the open succeeds and `direct` tells the truth.
    const shm = testDir('io', '/dev/shm');
    const t = io.open(path.join(shm, 'f'), { create: true, direct: true });
    try {
      expect(typeof t.direct).toBe('boolean');
      const buf = pattern(IO_ALIGNMENT, 4, io.allocAligned(IO_ALIGNMENT));
      expect(t.pwrite(buf, 0)).toBe(IO_ALIGNMENT);
      const back = io.allocAligned(IO_ALIGNMENT);
      expect(t.pread(back, 0)).toBe(IO_ALIGNMENT);
      expect(back).toEqual(buf);
    } finally {
      t.close();
    }
  });

  it('the fs implementation never claims O_DIRECT', () => {
    const f = loadIo({ prefer: 'fs' }).open(file, { direct: true });
    try {
      expect(f.direct).toBe(false);
    } finally {
      f.close();
    }
  });
});
