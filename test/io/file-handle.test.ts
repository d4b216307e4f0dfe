import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileHandle, Io } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';
import { implementations, pattern } from './helpers.js';

describe.each(implementations)('FileHandle ($label)', ({ name, backend, io: getIo }) => {
  let io: Io;
  let dir: string;
  let file: string;
  let h: FileHandle;

  beforeEach(() => {
    io = getIo();
    dir = testDir('io');
    file = path.join(dir, 'data.bin');
    h = io.open(file, { create: true });
  });

  afterEach(() => {
    h.close();
  });

  it('is the implementation asked for', () => {
    expect(io.kind).toBe(name);
    expect(io.backend).toBe(backend);
    expect(h.path).toBe(file);
    expect(h.direct).toBe(false);
    expect(h.readOnly).toBe(false);
    expect(h.closed).toBe(false);
  });

  it('round-trips a single write and read', () => {
    const data = pattern(10_000, 3);
    expect(h.pwrite(data, 123)).toBe(10_000);
    expect(h.size()).toBe(10_123);
    const back = new Uint8Array(10_000);
    expect(h.pread(back, 123)).toBe(10_000);
    expect(back).toEqual(data);
    expect(fs.readFileSync(file).subarray(123)).toEqual(Buffer.from(data));
  });

  it('honours an explicit length and reads short at end of file', () => {
    const data = pattern(4096, 7);
    expect(h.pwrite(data, 0, 100)).toBe(100);
    expect(h.size()).toBe(100);
    const back = new Uint8Array(4096);
    expect(h.pread(back, 0)).toBe(100);
    expect(back.subarray(0, 100)).toEqual(data.subarray(0, 100));
    expect(h.pread(back, 50, 10)).toBe(10);
    expect(h.pread(back, 1_000_000)).toBe(0);
  });

  it('reads and writes through subarray views at their own offsets', () => {
    const big = pattern(1000, 1);
    const view = big.subarray(100, 200);
    h.pwrite(view, 0);
    const back = new Uint8Array(300);
    const inner = back.subarray(50, 150);
    expect(h.pread(inner, 0)).toBe(100);
    expect(inner).toEqual(view);
    expect(back[49]).toBe(0);
    expect(back[150]).toBe(0);
  });

  it('batches writes and reads, contiguous and scattered', () => {
    const reqs = [
      { buf: pattern(4096, 1), offset: 0 },
      { buf: pattern(4096, 2), offset: 4096 }, // contiguous with the first
      { buf: pattern(100, 3), offset: 20_000 }, // a gap
      { buf: pattern(50, 4), offset: 8192 }, // back in the middle
    ];
    expect(h.pwriteMany(reqs)).toBe(4096 + 4096 + 100 + 50);
    const reads = reqs.map((r) => ({ buf: new Uint8Array(r.buf.length), offset: r.offset }));
    reads.push({ buf: new Uint8Array(64), offset: 20_090 }); // straddles end of file
    expect(h.preadMany(reads)).toEqual([4096, 4096, 100, 50, 10]);
    for (let i = 0; i < reqs.length; i++) expect(reads[i]!.buf).toEqual(reqs[i]!.buf);
    expect(h.pwriteMany([])).toBe(0);
    expect(h.preadMany([])).toEqual([]);
  });

  it('splits a contiguous read run that ends inside end of file', () => {
    h.pwrite(pattern(6000, 9), 0);
    const a = new Uint8Array(4096);
    const b = new Uint8Array(4096);
    expect(h.preadMany([{ buf: a, offset: 0 }, { buf: b, offset: 4096 }])).toEqual([4096, 6000 - 4096]);
    expect(b.subarray(0, 6000 - 4096)).toEqual(pattern(6000, 9).subarray(4096));
  });

  it('has async variants that agree with the sync ones', async () => {
    const data = pattern(70_000, 5);
    expect(await h.pwriteAsync(data, 10)).toBe(70_000);
    const back = new Uint8Array(70_000);
    expect(await h.preadAsync(back, 10)).toBe(70_000);
    expect(back).toEqual(data);
    expect(await h.preadAsync(back, 70_000)).toBe(10);
    const many = [
      { buf: pattern(512, 1), offset: 0 },
      { buf: pattern(512, 2), offset: 512 },
      { buf: pattern(512, 3), offset: 100_000 },
    ];
    expect(await h.pwriteManyAsync(many)).toBe(1536);
    const check = new Uint8Array(512);
    h.pread(check, 100_000);
    expect(check).toEqual(many[2]!.buf);
    await h.fdatasyncAsync();
    await h.fsyncAsync();
  });

  it('runs many async calls at once', async () => {
    const writes = [];
    for (let i = 0; i < 32; i++) writes.push(h.pwriteAsync(pattern(4096, i), i * 4096));
    expect(await Promise.all(writes)).toEqual(new Array(32).fill(4096));
    const bufs = Array.from({ length: 32 }, () => new Uint8Array(4096));
    await Promise.all(bufs.map((b, i) => h.preadAsync(b, i * 4096)));
    bufs.forEach((b, i) => expect(b).toEqual(pattern(4096, i)));
  });

  it('syncs file data, metadata and the directory', async () => {
    h.pwrite(pattern(10, 1), 0);
    h.fdatasync();
    h.fsync();
    io.fsyncDir(dir);
    await io.fsyncDirAsync(dir);
  });

  it('truncates and preallocates', () => {
    h.ftruncate(1 << 20);
    expect(h.size()).toBe(1 << 20);
    h.ftruncate(100);
    expect(h.size()).toBe(100);
    h.fallocate(0, 4 << 20);
    expect(h.size()).toBe(4 << 20);
    h.fallocate(0, 4096); // never shrinks
    expect(h.size()).toBe(4 << 20);
    h.fallocate(4 << 20, 4 << 20);
    expect(h.size()).toBe(8 << 20);
    const blocks = fs.statSync(file).blocks * 512;
    expect(blocks).toBeGreaterThanOrEqual(8 << 20); // reserved, not sparse
    const zero = new Uint8Array(4096);
    h.pread(zero, 5 << 20);
    expect(zero.every((b) => b === 0)).toBe(true);
    h.ftruncate(0);
    expect(h.size()).toBe(0);
  });

  it('opens read-only and refuses writes with the OS error', () => {
    h.pwrite(pattern(100, 1), 0);
    const ro = io.open(file, { readOnly: true });
    try {
      expect(ro.readOnly).toBe(true);
      const back = new Uint8Array(100);
      expect(ro.pread(back, 0)).toBe(100);
      expect(() => ro.pwrite(back, 0)).toThrow(expect.objectContaining({ code: 'EBADF', path: file }));
    } finally {
      ro.close();
    }
  });

  it('allocates zeroed aligned memory of rounded-up length', () => {
    const a = io.allocAligned(5000);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(8192);
    expect(a.every((b) => b === 0)).toBe(true);
    expect(io.allocAligned(4096).length).toBe(4096);
    expect(io.allocAligned(0).length).toBe(0);
    a.fill(9);
    h.pwrite(a, 0);
    expect(h.size()).toBe(8192);
  });

  it('close is idempotent and flips closed', () => {
    h.close();
    expect(h.closed).toBe(true);
    h.close();
  });
});
