#!/usr/bin/env node
/**
 * Runs one engine on one workload in one mode, in its own process (spawned by run.mjs
 * so engines never share a heap, a JIT profile or a page cache warm-up order).
 *
 * Input: a job as JSON in argv[2]. Output: one line `@@RESULT {json}` on stdout.
 * The worker builds the data set and every op stream from the job's seed, loads the
 * data set (untimed), records memory, runs a correctness probe, then times each op:
 * one warm-up pass, then `reps` timed passes over later parts of the same stream.
 *
 * Regime 'gc' (`npm run bench -- --gc-between-reps`) is the one common in JS
 * benchmarking and close to a busy server: one full `gc()` before every timed
 * repetition, so the young generation starts small and whatever a call allocates is
 * collected inside the measurement; listed keys come back as strings where the
 * workload's keys are strings. It also reports the bytes each op allocates on the JS heap
 * (allocatedBytesPerOp).
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { loadEngine } from './adapters/index.mjs';
import { getWorkload } from './workloads/index.mjs';
import { buildStream, getOpKind } from './lib/ops.mjs';
import { createRng, deriveSeed, shuffle } from './lib/prng.mjs';
import { summarize } from './lib/stats.mjs';

/**
 * @typedef {object} OpPlan
 * @property {string} name   op kind
 * @property {number} count  most ops per repetition (the stream holds count * (reps + 1))
 * @property {number} reps   timed repetitions (after one warm-up pass)
 * @property {number} targetMs  aimed-for duration of one repetition
 *
 * @typedef {object} Job
 * @property {string} engine
 * @property {string} workload
 * @property {import('./adapters/index.mjs').Mode} mode
 * @property {number} size   keys in the data set
 * @property {number} seed
 * @property {OpPlan[]} ops
 * @property {string} [dir]  an empty directory for the engine (run.mjs creates and removes
 *   it, so a killed worker leaves nothing behind); made here when absent
 * @property {'usual' | 'gc'} [regime]  'gc': a full collection before every timed
 *   repetition, string keys out, allocation per op measured (see the header)
 */

const VALUE_POOL = 1024;
const MIN_OPS = 20;
const MIB = 1024 * 1024;

/** Keeps results of timed calls observable so nothing is optimised away. */
let sink = 0;

/** How many ops of a stream the allocation count runs (fewer if the stream is shorter). */
const ALLOC_OPS = 2_000;

const gc = () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
};

/**
 * A fresh directory for the engine's files: tmpfs for memory mode (lmdb and
 * classic-level have no in-memory mode), the OS temp dir (a real disk) otherwise.
 * @param {string} mode
 */
export function makeDataDir(mode) {
  const base = mode === 'memory' && fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'holt-bench-'));
}

/** @param {import('./workloads/index.mjs').Key} key */
const text = (key) => (typeof key === 'string' ? key : Buffer.from(key).toString('latin1'));

/**
 * A small fingerprint of what the engine returns, compared across engines by run.mjs.
 * @param {import('./adapters/index.mjs').Adapter} adapter
 * @param {import('./workloads/index.mjs').Workload} workload
 * @param {import('./lib/ops.mjs').DataSet} data
 * @param {number} seed
 */
async function probe(adapter, workload, data, seed) {
  const value = await adapter.get(data.keys[0]);
  /** @type {Record<string, unknown>} */
  const result = { getLength: value ? value.length : -1 };
  if (workload.listDir) {
    const { prefix, delimiter, all } = workload.listDir;
    const rollups = (await adapter.listDir(prefix, delimiter, all + 1)).map(text);
    const listPrefix = workload.listPrefix(createRng(deriveSeed(seed, 'probe')));
    const rows = await adapter.list(listPrefix, 100);
    result.rollups = rollups.length;
    result.firstRollup = rollups[0];
    result.lastRollup = rollups[rollups.length - 1];
    result.listed = rows.length;
    result.firstListed = rows.length ? text(rows[0][0]) : undefined;
    result.lastListed = rows.length ? text(rows[rows.length - 1][0]) : undefined;
    result.listedBytes = rows.reduce((n, row) => n + row[1].length, 0);
  }
  return result;
}

/**
 * Times ops [from, to) of a stream, or stops at `deadline` (hrtime ns) when given.
 * @param {(i: number) => number | Promise<number>} fn
 * @param {boolean} isSync
 * @param {number} from
 * @param {number} to
 * @param {bigint} [deadline]
 * @returns {Promise<{ ns: number, done: number }>} elapsed ns and ops run
 */
async function timeRange(fn, isSync, from, to, deadline) {
  let acc = 0;
  let i = from;
  const t0 = process.hrtime.bigint();
  if (deadline === undefined) {
    if (isSync) for (; i < to; i++) acc += /** @type {number} */ (fn(i));
    else for (; i < to; i++) acc += await fn(i);
  } else {
    while (i < to && process.hrtime.bigint() < deadline) {
      const stop = Math.min(to, i + 16);
      if (isSync) for (; i < stop; i++) acc += /** @type {number} */ (fn(i));
      else for (; i < stop; i++) acc += await fn(i);
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  sink += acc;
  return { ns, done: i - from };
}

/**
 * Bytes allocated on the JS heap per op over ops [0, n) of a stream (its warm-up part,
 * so the code is already optimised): the growth of the used heap, plus what every
 * collection during the loop freed (v8.GCProfiler records the heap before and after each),
 * so a scavenge in the middle does not hide what was allocated before it. Native memory
 * (an engine's own malloc) is not counted: this is what the JS collector has to clean up.
 * @param {(i: number) => number | Promise<number>} fn
 * @param {boolean} isSync
 * @param {number} n
 */
async function allocatedPerOp(fn, isSync, n) {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  let acc = 0;
  if (isSync) for (let i = 0; i < n; i++) acc += /** @type {number} */ (fn(i));
  else for (let i = 0; i < n; i++) acc += await fn(i);
  const after = v8.getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  sink += acc;
  let freed = 0;
  for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return Math.max(0, (after - before + freed) / n);
}

/**
 * Warm-up, then timed repetitions. The warm-up (capped at `count` ops or `targetMs`)
 * also sizes the repetitions: each takes about `targetMs`, between `MIN_OPS` and
 * `count` ops, so slow engines run a shorter prefix of the same stream. With
 * `gcBetweenReps`, one full collection runs (untimed) before each repetition.
 * @param {(i: number) => number | Promise<number>} fn
 * @param {boolean} isSync
 * @param {OpPlan} plan
 * @param {boolean} gcBetweenReps
 */
async function measure(fn, isSync, plan, gcBetweenReps) {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(plan.targetMs * 1e6));
  const warm = await timeRange(fn, isSync, 0, plan.count, deadline);
  const perOp = warm.ns / Math.max(1, warm.done);
  const repCount = Math.max(Math.min(MIN_OPS, plan.count), Math.min(plan.count, Math.floor((plan.targetMs * 1e6) / perOp)));
  /** @type {number[]} */
  const samples = [];
  for (let r = 0; r < plan.reps; r++) {
    const from = plan.count + r * repCount;
    if (gcBetweenReps && typeof globalThis.gc === 'function') globalThis.gc();
    const { ns } = await timeRange(fn, isSync, from, from + repCount);
    samples.push(ns / repCount);
  }
  return { samples, repCount };
}

/** @param {Job} job */
async function run(job) {
  const engine = await loadEngine(job.engine);
  const workload = getWorkload(job.workload);
  const adapter = await engine.create();

  const keys = workload.keys(job.size, job.seed);
  const valueRng = createRng(deriveSeed(job.seed, `${workload.name}/values`));
  const values = keys.map(() => workload.value(valueRng));
  const poolRng = createRng(deriveSeed(job.seed, `${workload.name}/pool`));
  const pool = Array.from({ length: VALUE_POOL }, () => workload.value(poolRng));
  const order = shuffle(
    keys.map((_, i) => i),
    createRng(deriveSeed(job.seed, `${workload.name}/load-order`)),
  );
  const loadKeys = order.map((i) => keys[i]);
  const loadValues = order.map((i) => values[i]);
  const data = { keys, pool };

  const dir = job.dir ?? makeDataDir(job.mode);
  try {
    gc();
    const before = process.memoryUsage();
    const gcRegime = job.regime === 'gc';
    await adapter.open({ mode: job.mode, dir, keyType: workload.keyType, stringKeys: gcRegime });
    const loadStart = process.hrtime.bigint();
    await adapter.load(loadKeys, loadValues);
    const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
    gc();
    const after = process.memoryUsage();
    loadKeys.length = 0;
    loadValues.length = 0;
    const memory = {
      rssMiB: after.rss / MIB,
      heapUsedMiB: after.heapUsed / MIB,
      externalMiB: after.external / MIB, // includes arrayBuffers (Holt frames)
      rssDeltaMiB: (after.rss - before.rss) / MIB,
      heapDeltaMiB: (after.heapUsed - before.heapUsed) / MIB,
    };

    const check = await probe(adapter, workload, data, job.seed);

    /** @type {Record<string, import('./lib/stats.mjs').Summary & { samples: number[], count: number, sync: boolean, allocatedBytesPerOp?: number }>} */
    const ops = {};
    for (const plan of job.ops) {
      const kind = getOpKind(plan.name);
      const stream = buildStream(kind, workload, data, plan.count * (plan.reps + 1), job.seed);
      const isSync = kind.uses.every((m) => adapter.syncOps.has(m));
      const fn = isSync ? kind.sync(adapter, stream, workload) : kind.async(adapter, stream, workload);
      gc();
      const { samples, repCount } = await measure(fn, isSync, plan, gcRegime);
      ops[plan.name] = { ...summarize(samples), samples, count: repCount, sync: isSync };
      if (gcRegime) ops[plan.name].allocatedBytesPerOp = await allocatedPerOp(fn, isSync, Math.min(ALLOC_OPS, plan.count));
    }

    await adapter.close();
    return { settings: adapter.settings(), loadMs, memory, check, ops };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the job in argv[2] and prints its result. */
async function main() {
  const job = /** @type {Job} */ (JSON.parse(process.argv[2] ?? '{}'));
  const started = Date.now();
  let output;
  try {
    output = { ...job, dir: undefined, ...(await run(job)), wallMs: Date.now() - started, sink: sink % 2 };
  } catch (error) {
    const err = /** @type {Error} */ (error);
    output = { ...job, dir: undefined, ops: undefined, plan: job.ops, error: err.message, stack: err.stack, wallMs: Date.now() - started };
  }
  // Some native engines keep threads alive, so exit explicitly once the result is flushed.
  process.stdout.write(`@@RESULT ${JSON.stringify(output)}\n`, () => process.exit(0));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
