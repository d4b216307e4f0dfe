import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBackend, selectIo } from '../../src/io/backend.js';
import { ioUringAvailable, isIoError, loadIo } from '../../src/io/index.js';
import type { NativeBinding } from '../../src/io/native-binding.js';
import { testDir } from '../support/temp-dir.js';
import { thrown } from '../support/thrown.js';

/** The compiled entry children and workers import; the vitest global setup builds dist/ first. */
const DIST_IO = pathToFileURL(fileURLToPath(new URL('../../dist/io/index.js', import.meta.url))).href;

/** Whether this kernel and process should be able to set up a ring: Linux 5.6+, not disabled, no seccomp filter. */
function kernelOffersIoUring(): boolean {
  if (process.platform !== 'linux') return false;
  const [major = 0, minor = 0] = os.release().split('.').map(Number);
  if (major < 5 || (major === 5 && minor < 6)) return false;
  const read = (f: string): string | undefined => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  if ((read('/proc/sys/kernel/io_uring_disabled')?.trim() ?? '0') !== '0') return false;
  return /^Seccomp:\s+0$/m.test(read('/proc/self/status') ?? '');
}

describe('backend selection', () => {
  const saved = process.env['HOLT_IO'];
  afterEach(() => {
    if (saved === undefined) delete process.env['HOLT_IO'];
    else process.env['HOLT_IO'] = saved;
  });

  it('uses io_uring by default wherever the kernel offers it', () => {
    delete process.env['HOLT_IO'];
    expect(ioUringAvailable()).toBe(kernelOffersIoUring());
    expect(loadIo().backend).toBe(ioUringAvailable() ? 'io_uring' : 'threadpool');
    expect(loadIo({ backend: 'threadpool' }).backend).toBe('threadpool');
    expect(loadIo({ prefer: 'fs' }).backend).toBe('threadpool');
    expect(loadIo({ backend: 'threadpool' })).toBe(loadIo({ backend: 'threadpool' }));
  });

  it('HOLT_IO picks the default; options override it; a bad value throws', () => {
    process.env['HOLT_IO'] = 'threadpool';
    expect(loadIo()).toMatchObject({ kind: 'native', backend: 'threadpool' });
    process.env['HOLT_IO'] = 'fs';
    expect(loadIo()).toMatchObject({ kind: 'fs', backend: 'threadpool' });
    expect(loadIo({ prefer: 'native', backend: 'threadpool' })).toMatchObject({ kind: 'native', backend: 'threadpool' });
    process.env['HOLT_IO'] = 'io_uring';
    if (ioUringAvailable()) expect(loadIo()).toMatchObject({ kind: 'native', backend: 'io_uring' });
    else expect(thrown(() => loadIo())).toMatchObject({ code: 'ENOTSUP' });
    expect(loadIo({ prefer: 'fs' }).kind).toBe('fs');
    process.env['HOLT_IO'] = 'uring';
    expect(isIoError(thrown(() => loadIo()), 'ERR_INVALID_ARG')).toBe(true);
  });

  it('selectIo: explicit choices win over HOLT_IO, and fs cannot have io_uring', () => {
    expect(selectIo(undefined, undefined, undefined)).toEqual({ impl: 'native', backend: 'auto' });
    expect(selectIo(undefined, undefined, 'native')).toEqual({ impl: 'native', backend: 'auto' });
    expect(selectIo(undefined, 'io_uring', 'fs')).toEqual({ impl: 'native', backend: 'io_uring' });
    expect(selectIo('native', undefined, 'fs')).toEqual({ impl: 'native', backend: 'auto' });
    expect(selectIo(undefined, 'auto', 'threadpool')).toEqual({ impl: 'native', backend: 'auto' });
    expect(selectIo('fs', undefined, 'io_uring')).toEqual({ impl: 'fs', backend: 'threadpool' });
    expect(selectIo(undefined, undefined, '')).toEqual({ impl: 'native', backend: 'auto' });
    expect(isIoError(thrown(() => selectIo('fs', 'io_uring', undefined)), 'ERR_INVALID_ARG')).toBe(true);
  });

  it('resolveBackend: auto falls back to the thread pool where io_uring cannot run; asking for it throws ENOTSUP', () => {
    const blocked = { ioUringError: () => 'io_uring_setup: EPERM (Operation not permitted)' } as unknown as NativeBinding;
    expect(resolveBackend(blocked, 'auto')).toEqual({ backend: 'threadpool', reason: 'auto: the kernel refused io_uring (io_uring_setup: EPERM (Operation not permitted))' });
    expect(resolveBackend(blocked, 'threadpool').backend).toBe('threadpool');
    const e = thrown(() => resolveBackend(blocked, 'io_uring'));
    expect(isIoError(e, 'ENOTSUP')).toBe(true);
    expect(e.message).toContain('EPERM');
    const working = { ioUringError: () => null } as unknown as NativeBinding;
    expect(resolveBackend(working, 'auto')).toEqual({ backend: 'io_uring', reason: 'auto: the kernel set up a ring' });
  });

  it('resolveBackend: off Node the ring is never set up; auto takes the pool, io_uring throws ENOTSUP saying why', () => {
    let asked = 0;
    const working = { ioUringError: () => (asked++, null) } as unknown as NativeBinding;
    const bun = { node: '26.3.0', bun: '1.4.5' };
    const deno = { node: '26.3.0', deno: '2.9.6' };
    expect(resolveBackend(working, 'auto', bun).backend).toBe('threadpool');
    expect(resolveBackend(working, 'auto', bun).reason).toContain('bun 1.4.5 implements no libuv uv_poll');
    expect(resolveBackend(working, 'auto', deno).reason).toContain('deno 2.9.6');
    for (const versions of [bun, deno]) {
      const e = thrown(() => resolveBackend(working, 'io_uring', versions));
      expect(isIoError(e, 'ENOTSUP')).toBe(true);
      expect(e.message).toMatch(/^io_uring is not available here: (bun|deno) /);
    }
    expect(asked).toBe(0);
  });
});

describe.runIf(ioUringAvailable())('io_uring and the event loop', () => {
  it('an idle ring does not keep the process alive, and a child exits after its reads', () => {
    const dir = testDir('io');
    const script = `
      const { loadIo } = await import(${JSON.stringify(DIST_IO)});
      const io = loadIo({ backend: 'io_uring' });
      const h = io.open(${JSON.stringify(path.join(dir, 'f'))}, { create: true });
      await h.pwriteAsync(new Uint8Array(4096).fill(1), 0);
      const n = await Promise.all(h.submit([{ op: 'read', buf: new Uint8Array(4096), offset: 0 }]));
      process.stdout.write(io.backend + ' ' + n[0]);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('io_uring 4096');
    expect(child.status).toBe(0);
  });

  // test/io/worker-exit.test.ts terminates workers with reads still in flight.
  it('each worker thread gets its own ring, and a worker whose reads have settled terminates cleanly', async () => {
    const dir = testDir('io');
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, Buffer.alloc(1 << 20, 7));
    const script = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(DIST_IO)}).then(async ({ loadIo }) => {
        const h = loadIo({ backend: 'io_uring' }).open(${JSON.stringify(file)}, { readOnly: true });
        const first = await h.preadManyAsync([{ buf: new Uint8Array(4096), offset: 0 }]);
        for (let k = 0; k < 20; k++) await Promise.all(h.submit(Array.from({ length: 64 }, (_, i) => ({ op: 'read', buf: new Uint8Array(4096), offset: i * 4096 }))));
        parentPort.postMessage(first[0]);
      });
    `;
    for (let round = 0; round < 3; round++) {
      const worker = new Worker(script, { eval: true });
      const first = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(first).toBe(4096);
      await worker.terminate();
    }
    // The main thread's own ring is untouched by the workers' teardown.
    const h = loadIo({ backend: 'io_uring' }).open(file, { readOnly: true });
    expect(await h.preadManyAsync([{ buf: new Uint8Array(16), offset: 0 }])).toEqual([16]);
    h.close();
  });
});
