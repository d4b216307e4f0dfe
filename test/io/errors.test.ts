import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { IoError, isIoError, type Io } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';
import { rejected, thrown } from '../support/thrown.js';
import { implementations } from './helpers.js';

describe.each(implementations)('IoError codes ($label)', ({ io: getIo }) => {
  let io: Io;
  let dir: string;

  beforeEach(() => {
    io = getIo();
    dir = testDir('io');
  });

  it('ENOENT names the path and syscall', () => {
    const missing = path.join(dir, 'missing.bin');
    const e = thrown(() => io.open(missing));
    expect(e).toBeInstanceOf(IoError);
    expect(e).toMatchObject({ name: 'IoError', code: 'ENOENT', path: missing, syscall: 'open' });
    expect(e.message).toContain(missing);
  });

  it('EISDIR when opening a directory for writing', () => {
    expect(thrown(() => io.open(dir))).toMatchObject({ code: 'EISDIR', path: dir });
  });

  it('ENOENT from fsyncDir, sync and async', async () => {
    const missing = path.join(dir, 'nope');
    expect(thrown(() => io.fsyncDir(missing))).toMatchObject({ code: 'ENOENT', path: missing });
    expect(await rejected(io.fsyncDirAsync(missing))).toMatchObject({ code: 'ENOENT', path: missing });
  });

  it('ERR_CLOSED for every call after close, sync and async', async () => {
    const file = path.join(dir, 'f');
    const h = io.open(file, { create: true });
    h.close();
    const buf = new Uint8Array(4096);
    const sync: Array<() => unknown> = [
      () => h.pread(buf, 0),
      () => h.pwrite(buf, 0),
      () => h.preadMany([{ buf, offset: 0 }]),
      () => h.pwriteMany([{ buf, offset: 0 }]),
      () => h.fdatasync(),
      () => h.fsync(),
      () => h.fallocate(0, 4096),
      () => h.ftruncate(0),
      () => h.size(),
      () => h.lock('shared'),
      () => h.unlock(),
    ];
    for (const call of sync) {
      const e = thrown(call);
      expect(isIoError(e, 'ERR_CLOSED')).toBe(true);
      expect(e.path).toBe(file);
    }
    const asyncCalls = [
      h.preadAsync(buf, 0),
      h.pwriteAsync(buf, 0),
      h.preadManyAsync([{ buf, offset: 0 }]),
      h.pwriteManyAsync([{ buf, offset: 0 }]),
      h.fdatasyncAsync(),
      h.fsyncAsync(),
    ];
    for (const p of asyncCalls) expect(await rejected(p)).toMatchObject({ code: 'ERR_CLOSED', path: file });
    // submit returns one promise per request, so a closed handle throws before any exists.
    expect(thrown(() => h.submit([{ op: 'read', buf, offset: 0 }]))).toMatchObject({ code: 'ERR_CLOSED', path: file });
  });

  it('an async call in flight when close() is called still completes', async () => {
    const h = io.open(path.join(dir, 'f'), { create: true });
    h.pwrite(new Uint8Array(8192).fill(1), 0);
    const buf = new Uint8Array(8192);
    const pending = h.preadAsync(buf, 0);
    h.close();
    expect(await pending).toBe(8192);
    expect(buf[8191]).toBe(1);
  });

  it('ERR_INVALID_ARG for bad argument types, sync and async', async () => {
    const h = io.open(path.join(dir, 'f'), { create: true });
    try {
      const buf = new Uint8Array(16);
      const bad: Array<() => unknown> = [
        () => h.pread(null as never, 0),
        () => h.pread('abc' as never, 0),
        () => h.pread(new Uint16Array(4) as never, 0),
        () => h.pread(buf, -1),
        () => h.pread(buf, 1.5),
        () => h.pread(buf, '0' as never),
        () => h.pread(buf, Number.NaN),
        () => h.pread(buf, 2 ** 60),
        () => h.pread(buf, 0, 17),
        () => h.pread(buf, 0, -1),
        () => h.pwrite({} as never, 0),
        () => h.pwrite(buf, Infinity),
        () => h.preadMany(null as never),
        () => h.preadMany([null] as never),
        () => h.pwriteMany([{ buf, offset: -5 }]),
        () => h.pwriteMany([{ buf: 'x', offset: 0 }] as never),
        () => h.fallocate(-1, 10),
        () => h.ftruncate(-1),
        () => h.lock('both' as never),
        () => io.open('' as never),
        () => io.open(42 as never),
        () => io.open(path.join(dir, 'x'), { create: 'yes' } as never),
        () => io.allocAligned(-1),
        () => io.allocAligned(2 ** 40),
        () => io.fsyncDir(null as never),
        () => h.submit(null as never),
        () => h.submit([{ buf, offset: 0 }] as never),
        () => h.submit([{ op: 'append', buf, offset: 0 }] as never),
        () => h.submit([{ op: 'write', buf, offset: -1 }]),
      ];
      for (const call of bad) {
        const e = thrown(call);
        expect(e, String(call)).toBeInstanceOf(IoError);
        expect(e.code, String(call)).toBe('ERR_INVALID_ARG');
      }
      const badAsync = [
        h.preadAsync(null as never, 0),
        h.pwriteAsync(buf, -1),
        h.pwriteAsync(buf, 0, 100),
        h.pwriteManyAsync('nope' as never),
        h.preadManyAsync([{ buf: 'x', offset: 0 }] as never),
      ];
      for (const p of badAsync) expect(await rejected(p)).toMatchObject({ code: 'ERR_INVALID_ARG' });
      // The handle still works afterwards.
      expect(h.pwrite(buf, 0)).toBe(16);
    } finally {
      h.close();
    }
  });
});
