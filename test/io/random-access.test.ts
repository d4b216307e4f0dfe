import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeIoAvailable } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';

/** The compiled entry the child imports; the vitest global setup builds dist/ first. */
const DIST_IO = pathToFileURL(fileURLToPath(new URL('../../dist/io/index.js', import.meta.url))).href;

/** Pairs of adjacent pages, as a cold walk reads a frame's directory and then its bucket page. */
const PAIRS = 32;

/**
 * A child (so no other test's I/O counts) writes 8 MiB with O_DIRECT, which
 * leaves none of it in the page cache, then reads two adjacent 4 KiB pages at
 * each of 32 scattered offsets through a buffered descriptor, with or without
 * `randomAccess`, and prints the bytes the process fetched from the device
 * (/proc/self/io). The second page of a pair looks sequential to the kernel,
 * which then reads ahead: what a reader's cold walk used to pay.
 */
function deviceBytesFor4KiBReads(file: string, randomAccess: boolean): { direct: boolean; bytes: number } {
  const script = `
    const fs = require('node:fs');
    const readBytes = () => Number(/read_bytes: (\\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))[1]);
    import(${JSON.stringify(DIST_IO)}).then(({ loadIo }) => {
      const io = loadIo({ prefer: 'native' });
      const w = io.open(${JSON.stringify(file)}, { direct: true, create: true });
      const block = io.allocAligned(1 << 20).fill(7);
      for (let i = 0; i < 8; i++) w.pwrite(block, i << 20);
      w.fdatasync();
      const direct = w.direct;
      w.close();
      const r = io.open(${JSON.stringify(file)}, { readOnly: true, randomAccess: ${randomAccess} });
      const before = readBytes();
      const page = new Uint8Array(4096);
      for (let i = 0; i < ${PAIRS}; i++) {
        const at = (1 + ((i * 37) % 120)) * 65536;
        r.pread(page, at);
        r.pread(page, at + 4096);
      }
      const bytes = readBytes() - before;
      r.close();
      process.stdout.write(JSON.stringify({ direct, bytes }));
    });
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { direct: boolean; bytes: number };
}

describe.runIf(process.platform === 'linux' && nativeIoAvailable())('open({ randomAccess })', () => {
  it('a buffered reader of scattered 4 KiB pages fetches those pages, not the read-ahead window around each', (ctx) => {
    const dir = testDir('io');
    const plain = deviceBytesFor4KiBReads(path.join(dir, 'plain'), false);
    const advised = deviceBytesFor4KiBReads(path.join(dir, 'advised'), true);
    // Without O_DIRECT the writes went through the page cache and nothing is read from the device.
    if (!plain.direct || !advised.direct || plain.bytes === 0) ctx.skip();
    expect(advised.bytes).toBeGreaterThanOrEqual(PAIRS * 2 * 4096);
    expect(advised.bytes).toBeLessThanOrEqual(PAIRS * 2 * 4096 * 1.25);
    // What the advice saves: the kernel's read-ahead after each pair's first page.
    expect(plain.bytes).toBeGreaterThan(advised.bytes * 2);
  });
});
