// The holt/io tests' essential assertions, for the linux-arm64 prebuild under
// Debian's arm64 Node. native/cross/check-arm64.sh runs it twice: on qemu-user
// (the host's kernel: real O_DIRECT, no io_uring, which qemu-user does not
// emulate) and in an emulated arm64 machine with Debian's arm64 kernel (io_uring
// and the thread pool, files on tmpfs). Plain node:test, not vitest: Debian 12's
// arm64 Node is 18, which vitest 4 does not run on. Everything goes through the public
// `holt/io` entry of the package (its export map), as a user's import does;
// only the load check looks at which file the addon came from.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IO_ALIGNMENT, ioUringAvailable, isIoError, loadIo, nativeIoAvailable, nativeLoadError } from 'holt/io';
import { buildStamp } from '../build-stamp.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { nativeBinding, nativeBindingPath } = await import(path.join(root, 'dist/io/native-binding.js'));
const { crc32cJs } = await import(path.join(root, 'dist/checksum/crc32c.js'));

const PREBUILD = path.join(root, 'prebuilds', 'linux-arm64', 'holt.glibc.node');
/** Set by check-arm64.sh inside the emulated machine: an arm64 kernel with io_uring, files on tmpfs. */
const inMachine = process.env.HOLT_ARM64_MACHINE === '1';

function pattern(length, seed, into) {
  const out = into ?? new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i) % 251;
  return out;
}

function sameBytes(a, b) {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

/** A directory on the host's real disk (qemu-user passes file system calls through), so O_DIRECT is real. */
function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'holt-arm64-'));
}

describe('the linux-arm64 prebuild', () => {
  it('loads from prebuilds/linux-arm64 in an arm64 process, built from these sources', () => {
    assert.equal(process.arch, 'arm64');
    assert.equal(nativeIoAvailable(), true, `the addon did not load: ${nativeLoadError()}`);
    assert.equal(nativeBindingPath(), PREBUILD);
    assert.equal(nativeBinding().buildStamp, buildStamp(root));
    assert.equal(loadIo().kind, 'native');
  });

  it('picks io_uring only where the kernel gives a ring, else the thread pool, and says why', () => {
    const why = nativeBinding().ioUringError();
    if (inMachine) assert.equal(why, null, 'Linux 6.1 on arm64 gives a ring');
    assert.equal(ioUringAvailable(), why === null);
    assert.equal(loadIo().backend, why === null ? 'io_uring' : 'threadpool');
    if (why !== null) {
      assert.match(why, /^io_uring_setup: E[A-Z]+/);
      assert.equal(thrown(() => loadIo({ backend: 'io_uring' })).code, 'ENOTSUP');
    }
    console.log(`# io_uring here: ${why ?? 'available'}`);
  });
});

const backends = [
  ...(ioUringAvailable() ? ['io_uring'] : []),
  'threadpool',
];

for (const backend of backends) {
  describe(`native I/O on ${backend}`, () => {
    let io;
    let dir;
    let file;
    let h;
    before(() => {
      io = loadIo({ prefer: 'native', backend });
      assert.equal(io.kind, 'native');
      assert.equal(io.backend, backend);
      dir = tempDir();
      file = path.join(dir, 'data');
      h = io.open(file, { create: true });
    });
    after(() => {
      h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('pread/pwrite and their batched forms round-trip, short at end of file', () => {
      assert.equal(h.pwrite(pattern(40_000, 3), 0), 40_000);
      const back = new Uint8Array(40_000);
      assert.equal(h.pread(back, 0), 40_000);
      assert.ok(sameBytes(back, pattern(40_000, 3)));
      assert.equal(h.pwriteMany([{ buf: pattern(100, 1), offset: 50_000 }, { buf: pattern(100, 2), offset: 60_000 }]), 200);
      const reqs = [60_050, 0, 50_000, 70_000].map((offset) => ({ buf: new Uint8Array(100), offset }));
      assert.deepEqual(h.preadMany(reqs), [50, 100, 100, 0]);
      assert.ok(sameBytes(reqs[2].buf, pattern(100, 1)));
      assert.equal(h.size(), 60_100);
      h.ftruncate(8192);
      assert.equal(h.size(), 8192);
      h.fallocate(0, 1 << 20);
      assert.equal(h.size(), 1 << 20);
      h.fdatasync();
      h.fsync();
    });

    it('keeps more async requests in flight than the ring has slots, each lands in order', async () => {
      const n = 600;
      const writes = Array.from({ length: n }, (_, i) => ({ buf: pattern(512, i), offset: i * 512 }));
      assert.equal(await h.pwriteManyAsync(writes), n * 512);
      const reads = Array.from({ length: n }, (_, i) => ({ buf: new Uint8Array(512), offset: (n - 1 - i) * 512 }));
      assert.deepEqual(await h.preadManyAsync(reads), new Array(n).fill(512));
      reads.forEach((r, i) => assert.ok(sameBytes(r.buf, writes[n - 1 - i].buf), `request ${i}`));
      assert.equal(await h.pwriteAsync(pattern(4096, 5), 0), 4096);
      const one = new Uint8Array(4096);
      assert.equal(await h.preadAsync(one, 0), 4096);
      assert.ok(sameBytes(one, pattern(4096, 5)));
      await h.fdatasyncAsync();
      await h.fsyncAsync();
    });

    it('submit settles one promise per request; a failure rejects only its own', async () => {
      const back = new Uint8Array(4096);
      const [wrote, read] = await Promise.all(h.submit([
        { op: 'write', buf: pattern(4096, 8), offset: 8192 },
        { op: 'read', buf: back, offset: 0 },
      ]));
      assert.equal(wrote, 4096);
      assert.equal(read, 4096);
      assert.ok(sameBytes(back, pattern(4096, 5)));
      const ro = io.open(file, { readOnly: true });
      try {
        const [okRead, badWrite] = ro.submit([{ op: 'read', buf: new Uint8Array(16), offset: 0 }, { op: 'write', buf: new Uint8Array(16), offset: 0 }]);
        const failure = badWrite.then(() => assert.fail('a write through a read-only handle succeeded'), (e) => e);
        assert.equal(await okRead, 16);
        const e = await failure;
        assert.ok(isIoError(e, 'EBADF'), String(e));
        assert.equal(e.path, file);
      } finally {
        ro.close();
      }
    });

    it('flock excludes a second handle; bad input and missing files give typed errors', () => {
      h.lock('exclusive');
      const other = io.open(file);
      try {
        assert.ok(isIoError(thrown(() => other.lock('shared')), 'LOCKED'));
        h.unlock();
        other.lock('shared');
      } finally {
        other.close();
      }
      assert.ok(isIoError(thrown(() => io.open(path.join(dir, 'missing', 'x'))), 'ENOENT'));
      assert.ok(isIoError(thrown(() => h.pread(new Uint8Array(8), -1)), 'ERR_INVALID_ARG'));
      assert.ok(isIoError(thrown(() => h.pwrite('text', 0)), 'ERR_INVALID_ARG'));
      io.fsyncDir(dir);
    });

    // Under qemu-user the files are on the host's disk, where O_DIRECT is real. In the
    // emulated machine they are on tmpfs, which refuses O_DIRECT before Linux 6.6: the
    // open must then fall back to buffered I/O and work alike.
    const onTmpfs = inMachine;
    it(onTmpfs ? 'O_DIRECT on tmpfs falls back to buffered I/O and round-trips frames' : 'O_DIRECT is active on the real disk, round-trips aligned frames and refuses unaligned ones', async () => {
      const directFile = path.join(dir, 'direct');
      const d = io.open(directFile, { create: true, direct: true });
      try {
        assert.equal(d.direct, !onTmpfs);
        const frame = 512 * 1024;
        const out = pattern(frame, 11, io.allocAligned(frame));
        assert.equal(out.byteOffset, 0);
        assert.equal(d.pwrite(out, 3 * frame), frame);
        const back = io.allocAligned(frame);
        assert.equal(d.pread(back, 3 * frame), frame);
        assert.ok(sameBytes(back, out));
        pattern(frame, 12, out);
        assert.equal(await d.pwriteAsync(out, frame), frame);
        assert.deepEqual(await d.preadManyAsync([{ buf: back, offset: frame }]), [frame]);
        assert.ok(sameBytes(back, out));
        await d.fdatasyncAsync();
        if (onTmpfs) return;
        const e = thrown(() => d.pread(back, 512));
        assert.ok(isIoError(e, 'ERR_INVALID_ARG'));
        assert.match(e.message, new RegExp(String(IO_ALIGNMENT)));
        await assert.rejects(d.pwriteAsync(out.subarray(1, 1 + IO_ALIGNMENT), 0), { code: 'ERR_INVALID_ARG' });
      } finally {
        d.close();
      }
    });
  });
}

describe('native crc32c on arm64', () => {
  const b = nativeBinding();
  const next = (() => {
    let s = 0x5eed;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) ^ (s >>> 16)) >>> 0;
  })();
  const random = (n) => Uint8Array.from({ length: n }, () => next() & 0xff);

  it("uses the CPU's CRC32 extension (qemu's emulated CPUs, max and Cortex-A72, both have it)", () => {
    assert.equal(b.crc32cHardware(), true);
  });

  it('equals the JS CRC-32C through the instruction and the table: check value, every length 0..1500, large buffers, continued checksums', () => {
    assert.equal(b.crc32c(new TextEncoder().encode('123456789'), 0, 9, 0), 0xe3069283);
    const buf = random(1600);
    for (let len = 0; len <= 1500; len++) {
      const from = next() % 64;
      const seed = next();
      const want = crc32cJs(buf, from, from + len, seed);
      assert.equal(b.crc32c(buf, from, from + len, seed), want, `length ${len}`);
      assert.equal(b.crc32cPortable(buf, from, from + len, seed), want, `portable, length ${len}`);
    }
    const big = random(3 * 4096 * 5 + 77);
    assert.equal(b.crc32c(big, 0, big.length, 0), crc32cJs(big));
    const half = b.crc32c(big, 0, 30_000, 0);
    assert.equal(b.crc32c(big, 30_000, big.length, half), crc32cJs(big));
    assert.equal(thrown(() => b.crc32c(big, 0, big.length + 1, 0)).code, 'ERR_INVALID_ARG');
  });
});
