#!/usr/bin/env node
/**
 * Load process of `npm run bench:scale`: builds the objstore data set of bench/cold at one
 * size the way a user's first import does, one `put` per key in a synchronous loop into
 * `DB.open(dir, { cacheMB })` (default checkpoints), then checkpoints and closes. Measures
 * the load rate, RSS every 250,000 puts and the peak RSS (VmHWM). Runs outside any cgroup:
 * how far the load overshoots its budget is a figure here, not a failure.
 *
 * A data set whose manifest matches (engine version, keys, seed, data set version, cacheMB)
 * is reused with the load figures it recorded, unless the job says rebuild.
 *
 * Keys go in random order (`order: 'shuffled'`, the default: the worst case for a cache smaller
 * than the data) or in key order (`'sorted'`: each frame fills once, as an import of sorted input).
 *
 * Job: { dir, keys, seed, cacheMB, rebuild, order, resultFile }. Result: { reused, manifest }.
 */

import fs from 'node:fs';
import { importHolt } from '../adapters/holt-tree.mjs';
import { childJob, writeResult } from '../cold/child-process.mjs';
import { DATASET_VERSION, dataBytes, dataSet, loadOrder } from '../cold/dataset.mjs';
import { diskUsage, readDataManifest, staleReason, writeDataManifest } from '../cold/data-manifest.mjs';
import { loadColdEngine } from '../cold/engines/index.mjs';
import { memorySample } from '../cold/proc-stats.mjs';

const PROGRESS_EVERY = 250_000;

const job = childJob();
const engine = await loadColdEngine('holt');
const want = { engine: 'holt', engineVersion: await engine.version(), keys: job.keys, seed: job.seed, datasetVersion: DATASET_VERSION, ...(job.order === 'sorted' ? { loadOrder: 'sorted' } : {}) };
const existing = readDataManifest(job.dir);
const reason = job.rebuild ? '--rebuild' : (staleReason(existing, want) ?? (existing?.load?.cacheMB !== job.cacheMB ? `load cacheMB ${existing?.load?.cacheMB} != ${job.cacheMB}` : undefined));

if (reason === undefined && existing) {
  writeResult(job, { reused: true, manifest: existing });
} else {
  process.stderr.write(`scale: loading ${job.keys.toLocaleString('en-US')} keys into ${job.dir} (${reason})\n`);
  fs.rmSync(job.dir, { recursive: true, force: true });
  fs.mkdirSync(job.dir, { recursive: true });
  const data = dataSet(job.keys, job.seed);
  const order = job.order === 'sorted' ? Uint32Array.from({ length: data.keys }, (_, i) => i) : loadOrder(data);
  const { DB } = await importHolt();
  const started = performance.now();
  const db = DB.open(job.dir, { cacheMB: job.cacheMB });
  const tree = db.tree('objects');
  /** @type {Array<{ puts: number, seconds: number, rssMiB: number, overdraftBuffers: number }>} */
  const progress = [];
  for (let n = 0; n < order.length; n++) {
    tree.put(data.key(order[n]), data.value(order[n]));
    if ((n + 1) % PROGRESS_EVERY === 0) {
      const seconds = (performance.now() - started) / 1000;
      const rssMiB = process.memoryUsage.rss() / 2 ** 20;
      const overdraftBuffers = db.stats().durable?.cache.overdraftBuffers ?? 0;
      progress.push({ puts: n + 1, seconds, rssMiB, overdraftBuffers });
      process.stderr.write(`scale: ${(n + 1).toLocaleString('en-US')} puts, ${Math.round((n + 1) / seconds).toLocaleString('en-US')}/s, RSS ${rssMiB.toFixed(0)} MiB\n`);
    }
  }
  const loopMs = performance.now() - started;
  const durable = db.stats().durable;
  await db.checkpoint();
  await db.close();
  const totalMs = performance.now() - started;
  const usage = diskUsage(job.dir);
  const { keyBytes, valueBytes } = dataBytes(data);
  const manifest = {
    ...want,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(totalMs),
    diskBytes: usage.total,
    files: usage.files,
    keyBytes,
    valueBytes,
    load: {
      cacheMB: job.cacheMB,
      loopSeconds: loopMs / 1000,
      totalSeconds: totalMs / 1000,
      putsPerSec: job.keys / (loopMs / 1000),
      spill: durable?.spill,
      overdraftsTotal: durable?.cache.overdraftsTotal,
      peakRssMiB: memorySample().peakRssMiB,
      progress,
    },
  };
  writeDataManifest(job.dir, manifest);
  writeResult(job, { reused: false, reason, manifest });
}
