#!/usr/bin/env node
/**
 * Build process: makes sure one engine's data set exists and matches the job (keys, seed,
 * data set version, engine version), rebuilding it from scratch otherwise. Runs outside any
 * cgroup: the load is not measured, only what a reopened data set costs to read.
 *
 * Job: { engine, dir, keys, seed, buildCacheMB, rebuild, resultFile }.
 * Result: { reused, reason?, manifest }.
 */

import fs from 'node:fs';
import { childJob, writeResult } from './child-process.mjs';
import { DATASET_VERSION, dataBytes, dataSet, loadOrder } from './dataset.mjs';
import { diskUsage, readDataManifest, staleReason, writeDataManifest } from './data-manifest.mjs';
import { loadColdEngine } from './engines/index.mjs';
import { distFingerprint } from './dist-fingerprint.mjs';

const job = childJob();
const engine = await loadColdEngine(job.engine);
/** @type {import('./data-manifest.mjs').BuildKey} */
const want = {
  engine: engine.name,
  engineVersion: await engine.version(),
  keys: job.keys,
  seed: job.seed,
  datasetVersion: DATASET_VERSION,
};
const existing = readDataManifest(job.dir);
const reason = job.rebuild ? '--rebuild' : staleReason(existing, want);

if (reason === undefined && existing) {
  writeResult(job, { reused: true, manifest: existing });
} else {
  process.stderr.write(`cold: building ${engine.name} data set in ${job.dir} (${reason})\n`);
  fs.rmSync(job.dir, { recursive: true, force: true });
  fs.mkdirSync(job.dir, { recursive: true });
  const data = dataSet(job.keys, job.seed);
  const started = performance.now();
  await engine.build(job.dir, { data, order: loadOrder(data), buildCacheMB: job.buildCacheMB });
  const buildMs = performance.now() - started;
  const { keyBytes, valueBytes } = dataBytes(data);
  const usage = diskUsage(job.dir);
  /** @type {import('./data-manifest.mjs').DataManifest} */
  const manifest = {
    ...want,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(buildMs),
    diskBytes: usage.total,
    files: usage.files,
    keyBytes,
    valueBytes,
    ...(engine.name === 'holt' ? { holtDist: distFingerprint() } : {}),
  };
  writeDataManifest(job.dir, manifest);
  writeResult(job, { reused: false, reason, manifest });
}
