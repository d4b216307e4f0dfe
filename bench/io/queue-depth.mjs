// The queue-depth benchmark of holt/io: random 4 KiB reads at queue depth 1, 8,
// 32 and 128, for
//   - io_uring            O_DIRECT, the addon's io_uring backend
//   - threadpool          O_DIRECT, the addon on the libuv pool at its default size (4)
//   - threadpool (16)     the same with UV_THREADPOOL_SIZE=16
//   - fs.promises         buffered reads through node:fs (FileHandle.read), default pool
// Each (method, depth) runs in its own process (bench/io/depth-worker.mjs),
// after `sync; echo 3 > /proc/sys/vm/drop_caches`, on one file much larger
// than the reads touch, so the buffered row measures the device as well.
// Methods alternate within each depth, so load from elsewhere on a shared
// machine spreads over all of them; each cell is the median of `repeat` runs.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIo } from '../../dist/io/index.js';
import { createRng } from '../lib/prng.mjs';

export const DEPTHS = [1, 8, 32, 128];
export const METHODS = [
  { key: 'io_uring', label: 'io_uring (O_DIRECT)', method: 'io_uring', env: {} },
  { key: 'pool4', label: 'thread pool, 4 (O_DIRECT)', method: 'threadpool', env: {} },
  { key: 'pool16', label: 'thread pool, 16 (O_DIRECT)', method: 'threadpool', env: { UV_THREADPOOL_SIZE: '16' } },
  { key: 'fs', label: 'fs.promises (buffered)', method: 'fs.promises', env: {} },
];

const WORKER = fileURLToPath(new URL('./depth-worker.mjs', import.meta.url));
const CHUNK = 8 << 20;

/** Writes `bytes` of distinct pseudo-random blocks with O_DIRECT: no hole or zero run the device could skip. */
function writeFile(file, bytes) {
  const io = loadIo();
  const h = io.open(file, { create: true, direct: true });
  const chunk = io.allocAligned(CHUNK);
  createRng(7).fill(chunk);
  const words = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 4);
  for (let at = 0; at < bytes; at += CHUNK) {
    for (let w = 0; w < words.length; w += 1024) words[w] = at / CHUNK; // a different first word in every 4 KiB block
    h.pwrite(chunk, at, Math.min(CHUNK, bytes - at));
  }
  h.fdatasync();
  h.close();
}

/** Empties the page cache (root only); false when it could not. */
function dropCaches() {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs every (method, depth) cell `repeat` times. Returns the cells (median
 * IOPS; p50/p99 of the run with that median) and how the runs were made.
 */
export function runQueueDepth({ dir, fileGiB, seconds, repeat, log = console.log }) {
  const file = path.join(dir, 'queue-depth.dat');
  const bytes = Math.round(fileGiB * 2 ** 30);
  log(`queue depth: writing a ${fileGiB} GiB file with O_DIRECT...`);
  const t = Date.now();
  writeFile(file, bytes);
  log(`  written in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  let dropped = true;
  const loads = []; // 1-minute load average as each run starts: how busy the shared machine was
  const runs = new Map(); // `${key}/${depth}` -> results
  let seed = 1;
  for (const depth of DEPTHS) {
    for (let rep = 0; rep < repeat; rep++) {
      for (const m of METHODS) {
        dropped = dropCaches() && dropped;
        loads.push(os.loadavg()[0]);
        const args = JSON.stringify({ file, method: m.method, depth, seconds, seed: seed++ });
        const child = spawnSync(process.execPath, [WORKER, args], { encoding: 'utf8', env: { ...process.env, ...m.env } });
        if (child.status !== 0) throw new Error(`depth-worker ${m.key} qd${depth} failed: ${child.stderr}`);
        const result = JSON.parse(child.stdout);
        const cell = `${m.key}/${depth}`;
        if (!runs.has(cell)) runs.set(cell, []);
        runs.get(cell).push(result);
        log(`  ${m.label.padEnd(28)} qd ${String(depth).padStart(3)}  ${Math.round(result.iops).toString().padStart(7)} IOPS  p50 ${(result.p50 / 1e3).toFixed(0).padStart(5)} µs  p99 ${(result.p99 / 1e3).toFixed(0).padStart(6)} µs`);
      }
    }
  }
  fs.rmSync(file, { force: true });

  const cells = [];
  for (const m of METHODS) {
    for (const depth of DEPTHS) {
      const all = runs.get(`${m.key}/${depth}`);
      const mid = median(all.map((r) => r.iops));
      const chosen = all.find((r) => r.iops === mid);
      cells.push({ key: m.key, label: m.label, depth, iops: mid, p50: chosen.p50, p99: chosen.p99, runs: all.map((r) => r.iops) });
    }
  }
  return { cells, fileGiB, seconds, repeat, cachesDropped: dropped, load: { min: Math.min(...loads), max: Math.max(...loads) } };
}

/** Markdown for RESULTS.md: IOPS and p99 per method and depth, and the io_uring targets. */
export function queueDepthMarkdown({ cells, fileGiB, seconds, repeat, cachesDropped, load }) {
  const at = (key, depth) => cells.find((c) => c.key === key && c.depth === depth);
  const us = (ns) => `${(ns / 1e3).toFixed(0)} µs`;
  const lines = [
    '## Queue depth: random 4 KiB reads',
    '',
    `One ${fileGiB} GiB file of distinct blocks; each run reads uniformly random 4 KiB blocks for ${seconds} s`,
    `(after 0.3 s of warm-up) with exactly *qd* reads in flight (\`preadAsync\` in a closed loop,`,
    '`FileHandle.read` for fs.promises), in a fresh process,',
    cachesDropped ? 'after `sync; echo 3 > /proc/sys/vm/drop_caches`.' : '**without dropping the page cache (not root)**.',
    `Each cell is the median of ${repeat} runs (methods alternating); p50/p99 are per-read latencies of that run.`,
    `The 1-minute load average of this 2-core machine, shared with other jobs, was ${load.min.toFixed(1)} to ${load.max.toFixed(1)} as runs started.`,
    '',
    '| method | ' + DEPTHS.map((d) => `qd ${d} IOPS | p99`).join(' | ') + ' |',
    '|---|' + DEPTHS.map(() => '---:|---:').join('|') + '|',
    ...METHODS.map((m) => `| ${m.label} | ` + DEPTHS.map((d) => `${Math.round(at(m.key, d).iops).toLocaleString('en-US')} | ${us(at(m.key, d).p99)}`).join(' | ') + ' |'),
    '',
    '| io_uring vs the default thread pool | ' + DEPTHS.map((d) => `qd ${d}`).join(' | ') + ' |',
    '|---|' + DEPTHS.map(() => '---:').join('|') + '|',
    '| IOPS ratio | ' + DEPTHS.map((d) => `${(at('io_uring', d).iops / at('pool4', d).iops).toFixed(2)}x`).join(' | ') + ' |',
    '| p50 latency | ' + DEPTHS.map((d) => `${us(at('io_uring', d).p50)} vs ${us(at('pool4', d).p50)}`).join(' | ') + ' |',
    '',
    `Targets: io_uring at least 2x the default pool at qd 32 (${(at('io_uring', 32).iops / at('pool4', 32).iops).toFixed(2)}x),`,
    `and no worse at qd 1 (${(at('io_uring', 1).iops / at('pool4', 1).iops).toFixed(2)}x).`,
    '',
    'Runs per cell (IOPS): ' + cells.map((c) => `${c.key} qd${c.depth} [${c.runs.map((x) => Math.round(x)).join(', ')}]`).join('; ') + '.',
    '',
  ];
  return lines.join('\n');
}
