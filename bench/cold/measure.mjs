#!/usr/bin/env node
/**
 * Measurement process: one engine, reopening its built data set, inside its memory cgroup
 * (run.mjs starts it there). Phases, in order:
 *
 *  1. cold      the first `cold` uniform random gets after open, page cache dropped first
 *  2. steady    `steady` more uniform random gets
 *  3. hot       gets over a fixed 1% of the keys: warm-up passes until a pass reads (almost)
 *               nothing or stops improving, then `hot` timed gets
 *     hotRanges the same over a 1% hot set of 32 runs of consecutive keys (dataset.mjs hotRanges)
 *  4. scan      page cache dropped, every key and value in order (rows/s)
 *  5. hotAfter  the same `hot` gets again: what the scan did to the hot set
 *  6. list      page cache dropped, first 100 keys with values under a random bucket
 *  7. listDir   page cache dropped, first 8 rollups of `bucket-` + `/` after a random bucket
 *
 * Every op stream is built before the engine opens. The result file is rewritten after
 * each phase, so an OOM kill still reports what finished.
 *
 * Job: { engine, dir, keys, seed, cacheMB, drop, counts, resultFile }.
 */

import { createRng, deriveSeed } from '../lib/prng.mjs';
import { AnswerLog } from './answers.mjs';
import { childJob, writeResult } from './child-process.mjs';
import { bucketCount, dataSet, DELIMITER, drawFrom, hotRanges, hotSet, LIST_PREFIX_ROOT, uniformIndices } from './dataset.mjs';
import { readDataManifest } from './data-manifest.mjs';
import { loadColdEngine } from './engines/index.mjs';
import { dropPageCache } from './page-cache.mjs';
import { bytesPerOp, timePhase } from './phase-timer.mjs';
import { memorySample, readBytes } from './proc-stats.mjs';

const LIST_N = 100;
const LIST_DIR_N = 8;
/** A warm-up pass reading under this many bytes per get counts as warm. */
const WARM_BYTES_PER_GET = 64;
/** ...and so does a pass that reads more than this share of the previous one (no progress). */
const WARM_PLATEAU = 0.8;

/**
 * @typedef {object} Counts
 * @property {number} cold
 * @property {number} steady
 * @property {number} hot
 * @property {number} hotMaxPasses
 * @property {number} list
 * @property {number} listDir
 */

const job = childJob();
/** @type {Counts} */
const counts = job.counts;
const engine = await loadColdEngine(job.engine);
const data = dataSet(job.keys, job.seed);
const manifest = readDataManifest(job.dir);
if (!manifest) throw new Error(`no data set in ${job.dir}`);
const answers = new AnswerLog(data);

const coldStream = uniformIndices(data, 'cold', counts.cold);
const steadyStream = uniformIndices(data, 'steady', counts.steady);
const hot = hotSet(data);
const hotStream = drawFrom(data, hot, 'hot', counts.hot);
const ranges = hotRanges(data);
const rangeStream = drawFrom(data, ranges, 'hot-ranges', counts.hot);
const buckets = bucketCount(data);
const listRng = createRng(deriveSeed(data.seed, 'list'));
const listBuckets = Uint32Array.from({ length: counts.list }, () => listRng.int(buckets));
const dirRng = createRng(deriveSeed(data.seed, 'list-dir'));
// -1 starts at the beginning; the last start still leaves LIST_DIR_N rollups after it.
const dirStarts = Int32Array.from({ length: counts.listDir }, () => dirRng.int(Math.max(1, buckets - LIST_DIR_N + 1)) - 1);

/** @type {Record<string, any>} */
const result = {
  engine: engine.name,
  settings: engine.settings({ cacheMB: job.cacheMB }),
  engineVersion: manifest.engineVersion,
  pageCacheDropped: job.drop,
  hotSetKeys: hot.length,
  phases: {},
  engineStats: {},
};
const save = () => writeResult(job, { ...result, answers: answers.summary() });
const drop = () => {
  if (job.drop) dropPageCache();
};
/** @param {string} line */
const log = (line) => process.stderr.write(`cold: ${engine.name}: ${line}\n`);

await engine.load();
drop();
const openBytes = readBytes();
const openStarted = performance.now();
const db = await engine.open(job.dir, { cacheMB: job.cacheMB });
result.open = { ms: performance.now() - openStarted, readBytes: readBytes() - openBytes, memory: memorySample() };
save();

/**
 * @param {string} name
 * @param {() => any} run
 */
const phase = (name, run) => {
  const r = run();
  result.phases[name] = r;
  result.engineStats[name] = db.engineStats();
  const speed = r.rowsPerSec !== undefined ? `${Math.round(r.rowsPerSec).toLocaleString('en-US')} rows/s` : `p50 ${r.p50Us.toFixed(1)} µs, p99 ${r.p99Us.toFixed(1)} µs`;
  log(`${name}: ${speed}, ${((r.readBytesPerOp ?? r.readBytes) / 1024).toFixed(1)} KiB read${r.readBytesPerOp !== undefined ? '/op' : ''}, RSS ${r.memory.rssMiB.toFixed(0)} MiB`);
  save();
};

/** @param {Uint32Array} stream @param {string} label */
const gets = (stream, label) =>
  timePhase(
    stream.length,
    (n) => db.get(data.key(stream[n])),
    (n, answer) => answers.get(label, stream[n], /** @type {Uint8Array | undefined} */ (answer)),
  );

phase('cold', () => gets(coldStream, 'cold'));
phase('steady', () => gets(steadyStream, 'steady'));

/**
 * Warm a hot set with whole passes over it in a fresh random order each time, until a pass
 * reads (almost) nothing or stops improving; returns the bytes read per get of each pass.
 * @param {Uint32Array} set @param {string} label
 */
const warm = (set, label) => {
  /** @type {number[]} */
  const passes = [];
  for (let pass = 0; pass < counts.hotMaxPasses; pass++) {
    const order = drawFrom(data, set, `${label}-${pass}`, set.length);
    const perGet = bytesPerOp(order.length, (n) => db.get(data.key(order[n])));
    passes.push(perGet);
    if (perGet < WARM_BYTES_PER_GET) break;
    if (pass > 0 && perGet > WARM_PLATEAU * passes[pass - 1]) break;
  }
  return passes;
};
const warmPasses = warm(hot, 'hot-warm');
phase('hot', () => ({ ...gets(hotStream, 'hot'), warmPassBytesPerGet: warmPasses }));
const rangeWarmPasses = warm(ranges, 'hot-ranges-warm');
phase('hotRanges', () => ({ ...gets(rangeStream, 'hotRanges'), warmPassBytesPerGet: rangeWarmPasses }));

drop();
phase('scan', () => {
  const before = readBytes();
  const started = performance.now();
  const totals = db.scanAll();
  const seconds = (performance.now() - started) / 1000;
  answers.scan(totals, manifest);
  return { ...totals, seconds, rowsPerSec: totals.rows / seconds, readBytes: readBytes() - before, memory: memorySample() };
});

phase('hotAfter', () => gets(hotStream, 'hotAfter'));

drop();
phase('list', () =>
  timePhase(
    counts.list,
    (n) => db.list(data.bucketPrefix(listBuckets[n]), LIST_N),
    (n, rows) => answers.list(listBuckets[n], LIST_N, /** @type {any} */ (rows)),
  ),
);

drop();
phase('listDir', () =>
  timePhase(
    counts.listDir,
    (n) => db.listDir(LIST_PREFIX_ROOT, DELIMITER, LIST_DIR_N, dirStarts[n] < 0 ? undefined : data.bucketPrefix(dirStarts[n])),
    (n, entries) => answers.listDir(dirStarts[n], LIST_DIR_N, /** @type {any} */ (entries)),
  ),
);

await db.close();
result.memoryAtEnd = memorySample();
result.complete = true;
save();
