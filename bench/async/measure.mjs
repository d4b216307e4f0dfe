#!/usr/bin/env node
/**
 * Measurement process of `npm run bench:async`: one engine over its built cold data set
 * (bench/cold's builders), inside its memory cgroup (run.mjs starts it there). Each phase
 * starts cold: the page cache is dropped and the engine reopened (Holt's own cache starts
 * empty; it reads with O_DIRECT, so only its cache could be warm).
 *
 * Holt phases:
 *   batchSync    the `batch` uniformly random keys through the synchronous `get`, one after another
 *   batchAsync   the same keys as one `getManyAsync`
 *   callers      `callers` concurrent async callers, each `await tree.getAsync(k)` in a loop over
 *                a fresh uniform stream, for `seconds`; gets/s and the event loop's delay
 *                (perf_hooks.monitorEventLoopDelay, 1 ms resolution) meanwhile
 *   callersSync  the same callers with the synchronous `get` (each yields with `await` after a get:
 *                a server handling requests), for the delay beside it
 *   hot          a fixed set of keys warmed until resident, then `hot` gets through `get` and
 *                through `await getAsync` (ns per get each)
 * better-sqlite3 phases:
 *   batchSync    the `batch` keys as sequential `get`s
 *   callersSync  one synchronous reader looping over a uniform stream for `seconds` (gets/s and delay)
 *
 * Every answer is checked against the data set (a wrong one fails the run).
 * Job: { engine, dir, keys, seed, cacheMB, drop, batch, callers, seconds, hot, resultFile }.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { childJob, writeResult } from '../cold/child-process.mjs';
import { dataSet, uniformIndices } from '../cold/dataset.mjs';
import { dropPageCache } from '../cold/page-cache.mjs';
import { readBytes } from '../cold/proc-stats.mjs';
import { importHolt } from '../adapters/holt-tree.mjs';

const TREE = 'objects';
const job = childJob();
const data = dataSet(job.keys, job.seed);
const batchKeys = Array.from(uniformIndices(data, 'async-batch', job.batch), (i) => data.key(i));
const batchIndices = uniformIndices(data, 'async-batch', job.batch);
/** @type {Record<string, unknown>} */
const phases = {};
let wrong = 0;
const examples = [];

/** @param {number} i @param {unknown} got */
function check(i, got) {
  const want = data.value(i).toString();
  const text = got === undefined ? undefined : Buffer.from(/** @type {Uint8Array} */ (got)).toString();
  if (text === want) return;
  wrong++;
  if (examples.length < 3) examples.push(`${data.key(i)}: ${text?.slice(0, 40)}`);
}

function save() {
  writeResult(job, { engine: job.engine, phases, wrong, examples, complete: false });
}

/** Drop the page cache (when allowed) before a cold phase. */
function cold() {
  if (job.drop) dropPageCache();
}

/**
 * Run `callers` loops of `op(i)` over a uniform stream for `seconds`, with the event loop's
 * delay recorded meanwhile. `op` returns a promise (async gets) or a value (sync gets, after
 * which the caller yields with an await).
 * @param {(i: number) => unknown} op
 * @param {number} callers
 * @param {string} label
 */
async function callersPhase(op, callers, label) {
  const stream = uniformIndices(data, label, 4_000_000);
  let next = 0;
  let done = 0;
  const h = monitorEventLoopDelay({ resolution: 1 });
  const before = readBytes();
  const started = performance.now();
  const until = started + job.seconds * 1000;
  h.enable();
  const loop = async () => {
    while (performance.now() < until) {
      const i = stream[next++ % stream.length];
      const r = op(i);
      if (r instanceof Promise) check(i, await r);
      else {
        check(i, r);
        // A synchronous get answered a request: give the event loop its turn before the next.
        await new Promise((resolve) => setImmediate(resolve));
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, loop));
  h.disable();
  const ms = performance.now() - started;
  return {
    callers, gets: done, getsPerSec: Math.round(done / (ms / 1000)),
    delayP50Ms: h.percentile(50) / 1e6, delayP99Ms: h.percentile(99) / 1e6, delayMaxMs: h.max / 1e6,
    readKiBPerGet: (readBytes() - before) / 1024 / done,
  };
}

async function holt() {
  const { DB } = await importHolt();
  const open = () => DB.open(job.dir, { cacheMB: job.cacheMB, checkpoint: false });

  cold();
  let db = open();
  let tree = db.tree(TREE);
  let t0 = performance.now();
  for (let n = 0; n < batchKeys.length; n++) check(batchIndices[n], tree.get(batchKeys[n]));
  phases.batchSync = { keys: batchKeys.length, ms: performance.now() - t0 };
  await db.close();
  save();

  cold();
  db = open();
  tree = db.tree(TREE);
  t0 = performance.now();
  const values = await tree.getManyAsync(batchKeys);
  phases.batchAsync = { keys: batchKeys.length, ms: performance.now() - t0, io: db.stats().durable?.ioBackend };
  for (let n = 0; n < batchKeys.length; n++) check(batchIndices[n], values[n]);
  await db.close();
  save();

  cold();
  db = open();
  tree = db.tree(TREE);
  phases.callers = await callersPhase((i) => tree.getAsync(data.key(i)), job.callers, 'async-callers');
  await db.close();
  save();

  cold();
  db = open();
  tree = db.tree(TREE);
  phases.callersSync = await callersPhase((i) => tree.get(data.key(i)), job.callers, 'async-callers-sync');
  await db.close();
  save();

  db = open();
  tree = db.tree(TREE);
  const hotIdx = uniformIndices(data, 'async-hot', 1000);
  const hotKeys = Array.from(hotIdx, (i) => data.key(i));
  for (let pass = 0; pass < 4; pass++) for (const k of hotKeys) tree.get(k);
  const reps = Math.max(1, Math.floor(job.hot / hotKeys.length));
  const timeSync = () => {
    const s = performance.now();
    for (let r = 0; r < reps; r++) for (let n = 0; n < hotKeys.length; n++) if (tree.get(hotKeys[n]) === undefined) wrong++;
    return ((performance.now() - s) * 1e6) / (reps * hotKeys.length);
  };
  const timeAsync = async () => {
    const s = performance.now();
    for (let r = 0; r < reps; r++) for (let n = 0; n < hotKeys.length; n++) if ((await tree.getAsync(hotKeys[n])) === undefined) wrong++;
    return ((performance.now() - s) * 1e6) / (reps * hotKeys.length);
  };
  // Alternate, best of three each: the machine is shared.
  const sync = [];
  const asyncNs = [];
  for (let r = 0; r < 3; r++) {
    sync.push(timeSync());
    asyncNs.push(await timeAsync());
  }
  phases.hot = { gets: reps * hotKeys.length, syncNs: Math.min(...sync), asyncNs: Math.min(...asyncNs) };
  await db.close();
}

async function sqlite() {
  const { default: Database } = await import(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', 'better-sqlite3', 'lib', 'index.js'));
  const open = () => {
    const db = new Database(path.join(job.dir, 'bench.sqlite'), { readonly: true });
    db.pragma(`cache_size = -${job.cacheMB * 1024}`); // the same budget as Holt's cacheMB
    return db;
  };
  cold();
  let db = open();
  let get = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
  const t0 = performance.now();
  for (let n = 0; n < batchKeys.length; n++) check(batchIndices[n], get.get(batchKeys[n]));
  phases.batchSync = { keys: batchKeys.length, ms: performance.now() - t0 };
  db.close();
  save();

  cold();
  db = open();
  get = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
  phases.callersSync = await callersPhase((i) => get.get(data.key(i)), 1, 'async-callers-sync');
  db.close();
}

if (job.engine === 'holt') await holt();
else await sqlite();
writeResult(job, { engine: job.engine, phases, wrong, examples, complete: true });
