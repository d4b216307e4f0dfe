// What does collecting stats cost the hot path?
//
// One file-backed DB, a put phase then a random-order get phase, each run in
// chunks of CHUNK ops. Chunks come in pairs, one "off" and one "on" (the order
// alternates pair by pair); before each "on" chunk the collector renders
// toPrometheus(db.stats()), and before every SHAPE_EVERY-th one it also walks
// the tree shape (tree.stats()). Only the op loops are timed, so the figure is
// what collection does to the ops (cache and GC disturbance); the collector's
// own time is reported separately. Pairing chunks cancels the drift of a busy
// shared machine: the headline is the median of per-pair on/off ratios.
// Collecting before every ~2,000 ops is far more often than any scraper would.
//
//   node bench/stats-cost.mjs            (after `npm run build`)
//   N=200000 CHUNK=2000 SHAPE_EVERY=10 RUNS=3 node bench/stats-cost.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = process.env.HOLT_BENCH_DIST ?? new URL('../dist/index.js', import.meta.url).href;
const { DB, toPrometheus } = await import(dist);

const N = Number(process.env.N ?? 200_000);
const CHUNK = Number(process.env.CHUNK ?? 2_000);
const SHAPE_EVERY = Number(process.env.SHAPE_EVERY ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);
const VALUE = Buffer.alloc(100, 7);

const keys = Array.from({ length: N }, (_, i) => `bucket/${String(i % 251).padStart(3, '0')}/object-${String(i).padStart(9, '0')}`);
// A fixed shuffled read order, the same in every run.
const order = Uint32Array.from({ length: N }, (_, i) => i);
let seed = 0x9e3779b9;
for (let i = N - 1; i > 0; i--) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const j = seed % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time `op` over [0, N) in chunks: ns/op samples per mode and per-pair ratios go to `samples`, collector costs to `acc`. */
function phase(db, tree, op, samples, acc) {
  let onChunks = 0;
  for (let pair = 0; pair * 2 * CHUNK < N; pair++) {
    const ns = {};
    const modes = pair % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (let half = 0; half < 2; half++) {
      const start = (pair * 2 + half) * CHUNK;
      const end = Math.min(N, start + CHUNK);
      if (start >= end) break;
      const mode = modes[half];
      if (mode === 'on') {
        const c0 = process.hrtime.bigint();
        acc.sink += toPrometheus(db.stats()).length;
        acc.collections++;
        const c1 = process.hrtime.bigint();
        acc.collectNs += Number(c1 - c0);
        if (++onChunks % SHAPE_EVERY === 0) {
          acc.sink += tree.stats().shape.frames;
          acc.shapes++;
          acc.shapeNs += Number(process.hrtime.bigint() - c1);
        }
      }
      const t0 = process.hrtime.bigint();
      for (let k = start; k < end; k++) op(k);
      ns[mode] = Number(process.hrtime.bigint() - t0) / (end - start);
      samples[mode].push(ns[mode]);
    }
    if (ns.on !== undefined && ns.off !== undefined) samples.ratios.push(ns.on / ns.off);
  }
}

const fresh = () => ({ off: [], on: [], ratios: [] });
const newTotals = () => ({ put: fresh(), get: fresh(), collections: 0, collectNs: 0, shapes: 0, shapeNs: 0, sink: 0 });
let totals = newTotals();
for (let run = 0; run <= RUNS; run++) {
  if (run === 1) totals = newTotals(); // run 0 warmed up the JIT and is not counted
  const dir = mkdtempSync(join(tmpdir(), 'holt-stats-cost-'));
  const db = DB.open(dir);
  const tree = db.tree('objects');
  phase(db, tree, (k) => tree.put(keys[k], VALUE), totals.put, totals);
  let sink = 0;
  phase(db, tree, (k) => { sink += tree.get(keys[order[k]]).length; }, totals.get, totals);
  if (sink !== N * VALUE.length) throw new Error('get returned wrong values');
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`stats-cost: N=${N} keys x ${RUNS} runs, chunks of ${CHUNK} ops; before each "on" chunk toPrometheus(db.stats()), before every ${SHAPE_EVERY}th also tree.stats()`);
console.log('op    off ns/op   on ns/op   on/off (median of pairs)   pairs');
for (const name of ['put', 'get']) {
  const p = totals[name];
  const r = median(p.ratios);
  console.log(`${name}  ${median(p.off).toFixed(0).padStart(10)} ${median(p.on).toFixed(0).padStart(10)}   ${r.toFixed(3)} (${((r - 1) * 100).toFixed(1)}%)${String(p.ratios.length).padStart(20)}`);
}
console.log(`collector: db.stats()+toPrometheus ${(totals.collectNs / totals.collections / 1000).toFixed(0)} us each (${totals.collections} calls); tree.stats() shape walk ${(totals.shapeNs / Math.max(1, totals.shapes) / 1000).toFixed(0)} us each (${totals.shapes} walks)`);
