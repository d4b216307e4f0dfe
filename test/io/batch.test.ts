import { describe, expect, it } from 'vitest';
import { IO_ALIGNMENT, isIoError } from '../../src/io/index.js';
import { rejected, thrown } from '../support/thrown.js';
import { implementations, nativeImplementations, pattern, perTest, sameBytes } from './helpers.js';

/**
 * Batched async I/O, the same cases on every backend: `preadManyAsync`
 * (one promise for many reads in flight), `pwriteManyAsync`, and `submit`
 * (one promise per request, each settling as its request completes).
 */
describe.each(implementations)('batched async I/O ($label)', ({ io: getIo }) => {
  const t = perTest(getIo, { create: true });

  it('preadManyAsync reads scattered blocks, short at end of file, in request order', async () => {
    t.h.pwrite(pattern(40_000, 3), 0);
    const offsets = [36_000, 0, 12_345, 39_990, 50_000, 4096];
    const reqs = offsets.map((offset) => ({ buf: new Uint8Array(4096), offset }));
    expect(await t.h.preadManyAsync(reqs)).toEqual([4000, 4096, 4096, 10, 0, 4096]);
    const whole = pattern(40_000, 3);
    reqs.forEach((r, i) => {
      const n = Math.max(0, Math.min(4096, 40_000 - r.offset));
      expect(sameBytes(r.buf.subarray(0, n), whole.subarray(r.offset, r.offset + n)), `request ${i}`).toBe(true);
    });
    expect(await t.h.preadManyAsync([])).toEqual([]);
  });

  it('keeps more requests in flight than the io_uring ring has slots (256), and each lands', async () => {
    const n = 600;
    const writes = Array.from({ length: n }, (_, i) => ({ buf: pattern(512, i), offset: i * 512 }));
    expect(await t.h.pwriteManyAsync(writes)).toBe(n * 512);
    const reads = Array.from({ length: n }, (_, i) => ({ buf: new Uint8Array(512), offset: (n - 1 - i) * 512 }));
    expect(await t.h.preadManyAsync(reads)).toEqual(new Array(n).fill(512));
    reads.forEach((r, i) => expect(sameBytes(r.buf, writes[n - 1 - i]!.buf), `request ${i}`).toBe(true));
  });

  it('submit returns one promise per request, reads and writes mixed', async () => {
    t.h.pwrite(pattern(8192, 1), 0);
    const readBack = new Uint8Array(4096);
    const pending = t.h.submit([
      { op: 'write', buf: pattern(4096, 2), offset: 8192 },
      { op: 'read', buf: readBack, offset: 4096 },
      { op: 'read', buf: new Uint8Array(100), offset: 8150 },
      { op: 'write', buf: new Uint8Array(0), offset: 0 },
    ]);
    expect(pending).toHaveLength(4);
    for (const p of pending) expect(p).toBeInstanceOf(Promise);
    const [wrote, read, straddle, empty] = await Promise.all(pending);
    expect(wrote).toBe(4096);
    expect(read).toBe(4096);
    expect(sameBytes(readBack, pattern(8192, 1).subarray(4096))).toBe(true);
    // Reads and writes of one submit are not ordered: this read may or may not see the write at 8192.
    expect([42, 100]).toContain(straddle);
    expect(empty).toBe(0);
    expect(t.h.size()).toBe(12_288);
    expect(t.h.submit([])).toEqual([]);
  });

  it('settles each request of a submit on its own: one failure rejects only its promise', async () => {
    t.h.pwrite(pattern(4096, 9), 0);
    const ro = t.io.open(t.file, { readOnly: true });
    try {
      const back = new Uint8Array(4096);
      const [read, write] = ro.submit([
        { op: 'read', buf: back, offset: 0 },
        { op: 'write', buf: new Uint8Array(16), offset: 0 },
      ]);
      // Handle the write's rejection at once: it may settle before the read does.
      const writeFailure = rejected(write!);
      expect(await read).toBe(4096);
      expect(sameBytes(back, pattern(4096, 9))).toBe(true);
      expect(await writeFailure).toMatchObject({ name: 'IoError', code: 'EBADF', path: t.file });
    } finally {
      ro.close();
    }
  });

  it('pwriteManyAsync rejects with the OS error once every write has ended', async () => {
    const ro = t.io.open(t.file, { readOnly: true });
    try {
      const e = await rejected(ro.pwriteManyAsync([{ buf: new Uint8Array(8), offset: 0 }, { buf: new Uint8Array(8), offset: 8 }]));
      expect(isIoError(e, 'EBADF')).toBe(true);
      expect(e.path).toBe(t.file);
    } finally {
      ro.close();
    }
  });

  it('preadManyAsync on a directory rejects with EISDIR', async () => {
    const d = t.io.open(t.dir, { readOnly: true });
    try {
      expect(await rejected(d.preadManyAsync([{ buf: new Uint8Array(8), offset: 0 }]))).toMatchObject({ code: 'EISDIR', path: t.dir });
    } finally {
      d.close();
    }
  });

  it('close() with a submit in flight: the requests complete, then the descriptor closes', async () => {
    t.h.pwrite(pattern(64 * 1024, 5), 0);
    const bufs = Array.from({ length: 16 }, () => new Uint8Array(4096));
    const pending = t.h.submit(bufs.map((buf, i) => ({ op: 'read' as const, buf, offset: i * 4096 })));
    const many = t.h.preadManyAsync([{ buf: new Uint8Array(4096), offset: 0 }]);
    t.h.close();
    expect(await Promise.all(pending)).toEqual(new Array(16).fill(4096));
    expect(await many).toEqual([4096]);
    expect(sameBytes(bufs[15]!, pattern(64 * 1024, 5).subarray(15 * 4096))).toBe(true);
    expect(thrown(() => t.h.submit([]))).toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe.each(nativeImplementations)('batched O_DIRECT reads ($label)', ({ io: getIo }) => {
  const t = perTest(getIo, { create: true, direct: true });

  it('reads many 4 KiB blocks of a file at once, through preadManyAsync and submit', async () => {
    const { io, h } = t;
    expect(h.direct).toBe(true);
    const blocks = 256;
    const all = pattern(blocks * IO_ALIGNMENT, 17, io.allocAligned(blocks * IO_ALIGNMENT));
    expect(await h.pwriteAsync(all, 0)).toBe(all.length);
    await h.fdatasyncAsync();
    const order = Array.from({ length: blocks }, (_, i) => (i * 97) % blocks);
    const reqs = order.map((b) => ({ buf: io.allocAligned(IO_ALIGNMENT), offset: b * IO_ALIGNMENT }));
    expect(await h.preadManyAsync(reqs)).toEqual(new Array(blocks).fill(IO_ALIGNMENT));
    const settled = await Promise.all(h.submit(reqs.map((r) => ({ op: 'read' as const, buf: r.buf, offset: r.offset }))));
    expect(settled).toEqual(new Array(blocks).fill(IO_ALIGNMENT));
    reqs.forEach((r, i) => {
      const at = order[i]! * IO_ALIGNMENT;
      expect(sameBytes(r.buf, all.subarray(at, at + IO_ALIGNMENT)), `block ${order[i]}`).toBe(true);
    });
    // Past the end of the file: 0 bytes, not an error.
    expect(await h.preadManyAsync([{ buf: io.allocAligned(IO_ALIGNMENT), offset: (blocks + 3) * IO_ALIGNMENT }])).toEqual([0]);
  });
});
