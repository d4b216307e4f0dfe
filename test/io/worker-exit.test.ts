import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ioUringAvailable } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';

/** The compiled entry the workers import; the vitest global setup builds dist/ first. */
const DIST_IO = pathToFileURL(fileURLToPath(new URL('../../dist/io/index.js', import.meta.url))).href;

const CHILDREN = 10;
const WORKERS_PER_CHILD = 20;

/**
 * A child that starts workers one after another; each keeps 512 reads of
 * 64 KiB in its ring without pause and is terminated at a random moment, so
 * teardown meets reads in the kernel, reads queued behind a full ring, and
 * calls made while the worker is being stopped. The child prints what each
 * worker's backend was and how many workers it terminated.
 */
function childScript(file: string, backend: string): string {
  const worker = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(DIST_IO)}).then(async ({ loadIo }) => {
      const io = loadIo(${backend === 'auto' ? '' : `{ backend: ${JSON.stringify(backend)} }`});
      const h = io.open(${JSON.stringify(file)}, { readOnly: true });
      parentPort.postMessage(io.backend);
      for (;;) {
        const reads = [];
        for (let k = 0; k < 4; k++) {
          reads.push(...h.submit(Array.from({ length: 128 }, (_, i) => ({ op: 'read', buf: new Uint8Array(65536), offset: ((i * 7 + k) % 128) * 65536 }))));
        }
        await Promise.all(reads);
      }
    });
  `;
  return `
    const { Worker } = require('node:worker_threads');
    (async () => {
      const backends = new Set();
      for (let n = 0; n < ${WORKERS_PER_CHILD}; n++) {
        const w = new Worker(${JSON.stringify(worker)}, { eval: true });
        backends.add(await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
        await w.terminate();
      }
      process.stdout.write([...backends].join(',') + ' ' + ${WORKERS_PER_CHILD});
    })();
  `;
}

function runChild(script: string): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

describe.runIf(ioUringAvailable())('terminating workers with io_uring reads in flight', () => {
  it(`${CHILDREN * WORKERS_PER_CHILD} terminations mid-read, in ${CHILDREN} child processes: every child exits cleanly, and 'auto' gives workers io_uring`, async () => {
    const dir = testDir('io');
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, Buffer.alloc(8 << 20, 7));
    const outcomes = [];
    // Two children at a time: each runs its workers one after another.
    for (let c = 0; c < CHILDREN; c += 2) {
      outcomes.push(...(await Promise.all([runChild(childScript(file, 'auto')), runChild(childScript(file, 'io_uring'))])));
    }
    for (const o of outcomes) {
      expect({ signal: o.signal, status: o.status, stderr: o.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
      expect(o.stdout).toBe(`io_uring ${WORKERS_PER_CHILD}`);
    }
  }, 180_000);
});
