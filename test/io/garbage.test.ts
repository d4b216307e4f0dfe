import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeBinding, type NativeBinding, type NativeFile } from '../../src/io/native-binding.js';
import { tempDir, type TempDir } from '../support/temp-dir.js';

/**
 * Throws everything we can think of at the raw addon surface (no JS wrapper in
 * between). The contract: each call returns, throws an Error with a string
 * `code`, or returns a promise that settles; the process never aborts.
 */
const GARBAGE: unknown[] = [
  undefined,
  null,
  true,
  '',
  'a string',
  '\0',
  -1,
  -0.5,
  1.5,
  Number.NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  2 ** 64,
  Number.MAX_SAFE_INTEGER,
  10n,
  Symbol('s'),
  {},
  [],
  [null],
  [{ buf: null, offset: 0 }],
  [{ buf: new Uint8Array(8), offset: -1 }],
  () => 0,
  new Uint8Array(0),
  new Uint8Array(3),
  new Float64Array(2),
  new DataView(new ArrayBuffer(8)),
  new ArrayBuffer(8),
];

async function survives(call: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(typeof (e as { code?: unknown }).code, String(e)).toBe('string');
    return;
  }
  if (result instanceof Promise) {
    await result.then(
      () => undefined,
      (e: unknown) => {
        expect(e).toBeInstanceOf(Error);
        expect(typeof (e as { code?: unknown }).code, String(e)).toBe('string');
      },
    );
  }
}

describe('garbage into the native addon', () => {
  let native: NativeBinding;
  let tmp: TempDir;
  let dir: string;
  let file: NativeFile;
  let directFile: NativeFile;
  /** The same two on the io_uring backend, where the kernel has it. */
  let ringFiles: NativeFile[];

  beforeAll(() => {
    const loaded = nativeBinding();
    expect(loaded).not.toBeNull();
    native = loaded!;
    tmp = tempDir('io');
    dir = tmp.dir;
    file = native.open(path.join(dir, 'f'), false, true, false);
    directFile = native.open(path.join(dir, 'd'), true, true, false);
    ringFiles = native.ioUringError() === null
      ? [native.open(path.join(dir, 'f'), false, false, false, true), native.open(path.join(dir, 'd'), true, false, false, true)]
      : [];
  });

  afterAll(() => {
    file.close();
    directFile.close();
    for (const f of ringFiles) f.close();
    tmp.cleanup();
  });

  it('module functions, one and two arguments', async () => {
    const fns = ['open', 'allocAligned', 'fsyncDir', 'fsyncDirAsync', 'flockFd', 'unlockFd'] as const;
    for (const name of fns) {
      const fn = native[name] as (...args: unknown[]) => unknown;
      await survives(() => fn());
      for (const a of GARBAGE) {
        await survives(() => fn(a));
        for (const b of [undefined, null, true, -1, 'x', 2 ** 64]) await survives(() => fn(a, b));
      }
    }
    await survives(() => native.open(path.join(dir, 'g'), 1 as never, true, false));
    await survives(() => native.open(path.join(dir, 'g'), true, true, 'no' as never));
    for (const a of GARBAGE) await survives(() => native.open(path.join(dir, 'g'), false, true, false, a as never));
    await survives(() => (native.ioUringError as (...args: unknown[]) => unknown)(1, 'x'));
    await survives(() => native.flockFd(999_999, true));
    await survives(() => native.flockFd(-1, true));
    await survives(() => native.unlockFd(2 ** 31));
  });

  it('FileHandle methods with garbage, on buffered and direct handles', async () => {
    const methods = [
      'pread',
      'pwrite',
      'preadMany',
      'pwriteMany',
      'fallocate',
      'ftruncate',
      'lock',
      'preadAsync',
      'pwriteAsync',
      'preadManyAsync',
      'pwriteManyAsync',
      'submit',
    ] as const;
    const small = new Uint8Array(8);
    for (const h of [file, directFile, ...ringFiles]) {
      for (const name of methods) {
        const fn = (h[name] as (...args: unknown[]) => unknown).bind(h);
        await survives(() => fn());
        for (const a of GARBAGE) {
          await survives(() => fn(a));
          await survives(() => fn(small, a));
          await survives(() => fn(small, 0, a));
          await survives(() => fn(a, a, a));
        }
      }
    }
    // Huge but valid offsets reach the kernel, which answers (0 bytes, EFBIG or EINVAL).
    await survives(() => file.pread(small, Number.MAX_SAFE_INTEGER));
    await survives(() => file.pwrite(small, Number.MAX_SAFE_INTEGER));
    await survives(() => file.fallocate(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    await survives(() => file.ftruncate(Number.MAX_SAFE_INTEGER));
    await survives(() => file.preadAsync(small, Number.MAX_SAFE_INTEGER));
    for (const h of ringFiles) {
      await survives(() => h.preadAsync(h.direct ? new Uint8Array(0) : small, Number.MAX_SAFE_INTEGER));
      await survives(() => h.pwriteAsync(small, Number.MAX_SAFE_INTEGER));
      for (const op of ['read', 'write', 'READ', '', null, 1, {}]) {
        for (const p of ((): unknown[] => {
          try {
            return h.submit([{ op: op as never, buf: small, offset: Number.MAX_SAFE_INTEGER }]);
          } catch (e) {
            expect(typeof (e as { code?: unknown }).code).toBe('string');
            return [];
          }
        })()) {
          await survives(() => p);
        }
      }
    }
    expect(file.size()).toBeGreaterThanOrEqual(0);
  });

  it('methods called on the wrong receiver, and the constructor called directly', async () => {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(file)).filter((k) => k !== 'constructor');
    expect(methods.length).toBeGreaterThan(10);
    for (const name of methods) {
      const desc = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(file), name)!;
      const fn = (desc.value ?? desc.get) as (...args: unknown[]) => unknown;
      for (const receiver of [{}, null, undefined, 42, new Uint8Array(4)]) {
        try {
          const r = fn.call(receiver, new Uint8Array(8), 0);
          if (r instanceof Promise) await r.catch(() => undefined);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }
    }
    const Ctor = (file as unknown as { constructor: new (...args: unknown[]) => unknown }).constructor;
    for (const args of [[], [1], ['x', true, true, true], [{}]]) {
      expect(() => new Ctor(...args)).toThrow();
    }
    expect(() => (Ctor as unknown as () => unknown)()).toThrow();
  });

  it('getters that close the handle or swap buffers while arguments are parsed', async () => {
    const victim = native.open(path.join(dir, 'victim'), false, true, false);
    const sneaky = {
      buf: new Uint8Array(16),
      get offset(): number {
        victim.close();
        return 0;
      },
    };
    await survives(() => victim.pwriteMany([sneaky]));
    expect(() => victim.size()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));

    const other = native.open(path.join(dir, 'other'), false, true, false);
    const throwing = {
      get buf(): Uint8Array {
        throw new Error('getter says no');
      },
      offset: 0,
    };
    expect(() => other.preadMany([throwing])).toThrow('getter says no');
    await expect(other.pwriteManyAsync([throwing])).rejects.toThrow('getter says no');
    // A Proxy is not an Array to Node-API: refused, not crashed.
    const proxy = new Proxy([{ buf: new Uint8Array(4), offset: 0 }], {});
    expect(() => other.pwriteMany(proxy)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    other.close();
  });

  it('buffers collected during async work stay valid (the worker pins them)', async () => {
    const h = native.open(path.join(dir, 'pinned'), false, true, false);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      pending.push(h.pwriteAsync(new Uint8Array(64 * 1024).fill(i & 0xff), i * 65536));
      pending.push(h.preadManyAsync([{ buf: new Uint8Array(4096), offset: 0 }]));
    }
    (globalThis as { gc?: () => void }).gc?.();
    await Promise.all(pending);
    const back = new Uint8Array(1);
    h.pread(back, 199 * 65536);
    expect(back[0]).toBe(199);
    h.close();
    if (native.ioUringError() !== null) return;
    // io_uring: the kernel writes into the buffers long after submit() returned.
    const r = native.open(path.join(dir, 'pinned'), false, false, false, true);
    const reads = [];
    for (let i = 0; i < 300; i++) reads.push(...r.submit([{ op: 'read', buf: new Uint8Array(64 * 1024), offset: i * 65536 }]));
    (globalThis as { gc?: () => void }).gc?.();
    expect(await Promise.all(reads)).toEqual(new Array(300).fill(0).map((_, i) => (i < 200 ? 65536 : 0)));
    r.close();
  });

  it('allocAligned with garbage and edge sizes', () => {
    expect(native.allocAligned(0).length).toBe(0);
    expect(native.allocAligned(1).length).toBe(4096);
    expect(() => native.allocAligned(2 ** 31 + 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    for (let i = 0; i < 100; i++) native.allocAligned(1 << 20); // freed by finalizers
  });

  it('noop costs nothing and takes anything', () => {
    native.noop();
    (native.noop as (...a: unknown[]) => void)(1, 'x', null);
  });
});
