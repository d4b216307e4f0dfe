/**
 * Turns worker results into comparisons (peer time / Holt time per cell), scale-curve
 * points, and a cross-engine correctness check.
 */

import { holtEngineFor } from '../adapters/index.mjs';
import { BASE_SIZE, SCALE_OPS } from './plan.mjs';
import { summarize } from './stats.mjs';

/**
 * @typedef {import('./stats.mjs').Summary} Summary
 * @typedef {{ engine: string, workload: string, mode: string, size: number, role: string, regime?: string,
 *   ops?: Record<string, Summary & { samples: number[], count: number, sync: boolean, allocatedBytesPerOp?: number }>,
 *   check?: Record<string, unknown>, error?: string, memory?: Record<string, number>,
 *   settings?: Record<string, unknown>, loadMs?: number, wallMs: number }} RunResult
 *
 * @typedef {object} PeerCell
 * @property {number} median
 * @property {number} p10
 * @property {number} p90
 * @property {number | null} ratio      peer median / Holt median (> 1: Holt is faster)
 * @property {number | null} ratioLow   peer p10 / Holt p90 (pessimistic end of the noise)
 * @property {number | null} ratioHigh  peer p90 / Holt p10
 * @property {number} [allocatedBytesPerOp]  JS heap bytes per op (the --gc-between-reps regime)
 *
 * @typedef {object} Comparison
 * @property {string} workload
 * @property {string} mode
 * @property {number} size
 * @property {string} op
 * @property {string} holtEngine
 * @property {{ median: number, p10: number, p90: number, allocatedBytesPerOp?: number } | null} holt
 * @property {Record<string, PeerCell>} peers
 */

/** @param {number} x */
const round = (x) => Math.round(x * 1000) / 1000;

/** @param {Summary & { allocatedBytesPerOp?: number }} s */
const brief = (s) => ({
  median: round(s.median),
  p10: round(s.p10),
  p90: round(s.p90),
  ...(s.allocatedBytesPerOp === undefined ? {} : { allocatedBytesPerOp: Math.round(s.allocatedBytesPerOp * 10) / 10 }),
});

/**
 * Folds the rounds of one job (same engine, workload, mode, size) into one run whose
 * cells summarise all repetitions of all rounds. A failed round is dropped when another
 * round of the job succeeded.
 * @param {RunResult[]} runs
 * @returns {RunResult[]}
 */
export function mergeRounds(runs) {
  /** @type {Map<string, RunResult[]>} */
  const jobs = new Map();
  for (const run of runs) {
    const key = `${run.engine}\u0000${run.workload}\u0000${run.mode}\u0000${run.size}\u0000${run.regime ?? 'usual'}`;
    jobs.set(key, [...(jobs.get(key) ?? []), run]);
  }
  /** @type {RunResult[]} */
  const out = [];
  for (const rounds of jobs.values()) {
    const ok = rounds.filter((r) => !r.error && r.ops);
    if (ok.length <= 1) {
      out.push(ok[0] ?? rounds[0]);
      continue;
    }
    /** @type {NonNullable<RunResult['ops']>} */
    const ops = {};
    for (const op of Object.keys(ok[0].ops ?? {})) {
      const cells = ok.map((r) => r.ops?.[op]).filter((c) => c !== undefined);
      const samples = cells.flatMap((c) => c.samples);
      const allocated = cells.map((c) => c.allocatedBytesPerOp).filter((a) => a !== undefined);
      ops[op] = { ...summarize(samples), samples, count: cells[0].count, sync: cells[0].sync };
      if (allocated.length > 0) ops[op].allocatedBytesPerOp = Math.min(...allocated);
    }
    out.push({ ...ok[0], ops, wallMs: ok.reduce((n, r) => n + r.wallMs, 0) });
  }
  return out;
}

/**
 * @param {RunResult[]} runs
 * @returns {Comparison[]}
 */
export function compare(runs) {
  /** @type {Map<string, RunResult[]>} */
  const groups = new Map();
  for (const run of runs) {
    if (run.error || !run.ops) continue;
    const key = `${run.workload}\u0000${run.mode}\u0000${run.size}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  /** @type {Comparison[]} */
  const out = [];
  for (const group of groups.values()) {
    const { workload, mode, size } = group[0];
    const holtEngine = holtEngineFor(/** @type {any} */ (mode));
    const holtRun = group.find((r) => r.engine === holtEngine);
    const ops = [...new Set(group.flatMap((r) => Object.keys(r.ops ?? {})))];
    for (const op of ops) {
      const holt = holtRun?.ops?.[op] ?? null;
      /** @type {Record<string, PeerCell>} */
      const peers = {};
      for (const run of group) {
        const cell = run.ops?.[op];
        if (run.engine === holtEngine || !cell) continue;
        peers[run.engine] = {
          ...brief(cell),
          ratio: holt ? round(cell.median / holt.median) : null,
          ratioLow: holt ? round(cell.p10 / holt.p90) : null,
          ratioHigh: holt ? round(cell.p90 / holt.p10) : null,
        };
      }
      out.push({ workload, mode, size, op, holtEngine, holt: holt ? brief(holt) : null, peers });
    }
  }
  return out;
}

/**
 * @typedef {object} LevelComparison
 * @property {string} workload
 * @property {string} mode
 * @property {number} size
 * @property {string} op
 * @property {{ median: number, p10: number, p90: number }} classicLevel
 * @property {{ median: number, p10: number, p90: number }} holtLevel
 * @property {number} ratio  classic-level median / holt-level median (> 1: holt-level is faster)
 */

/**
 * The Level interface on both engines: classic-level against holt-level, which run the
 * same adapter code (adapters/level-ops.mjs), cell by cell.
 * @param {RunResult[]} runs
 * @returns {LevelComparison[]}
 */
export function compareLevel(runs) {
  /** @type {LevelComparison[]} */
  const out = [];
  const usable = runs.filter((r) => !r.error && r.ops);
  for (const holtLevel of usable.filter((r) => r.engine === 'holt-level')) {
    const classic = usable.find((r) => r.engine === 'classic-level' && r.workload === holtLevel.workload && r.mode === holtLevel.mode && r.size === holtLevel.size);
    if (!classic) continue;
    for (const [op, cell] of Object.entries(holtLevel.ops ?? {})) {
      const peer = classic.ops?.[op];
      if (!peer) continue;
      out.push({
        workload: holtLevel.workload,
        mode: holtLevel.mode,
        size: holtLevel.size,
        op,
        classicLevel: brief(peer),
        holtLevel: brief(cell),
        ratio: round(peer.median / cell.median),
      });
    }
  }
  return out;
}

/**
 * Scale-curve points: memory mode, get and list_dir_8, every size.
 * @param {RunResult[]} runs
 */
export function scalePoints(runs) {
  /** @type {Array<{ workload: string, op: string, engine: string, size: number, median: number, p10: number, p90: number }>} */
  const points = [];
  const scaled = new Set(runs.filter((r) => r.role === 'scale').map((r) => r.workload));
  for (const run of runs) {
    if (run.error || !run.ops || run.mode !== 'memory' || !scaled.has(run.workload)) continue;
    if (run.role !== 'scale' && run.size !== BASE_SIZE) continue;
    for (const op of SCALE_OPS) {
      const cell = run.ops[op];
      if (cell) points.push({ workload: run.workload, op, engine: run.engine, size: run.size, ...brief(cell) });
    }
  }
  return points.sort((a, b) => a.workload.localeCompare(b.workload) || a.op.localeCompare(b.op) || a.engine.localeCompare(b.engine) || a.size - b.size);
}

/**
 * Every engine must return the same thing for the probe queries of a data set.
 * @param {RunResult[]} runs
 * @returns {string[]} warnings
 */
export function verify(runs) {
  /** @type {Map<string, Map<string, string[]>>} */
  const byDataSet = new Map();
  for (const run of runs) {
    if (run.error || !run.check) continue;
    const key = `${run.workload} @ ${run.size}`;
    const fingerprints = byDataSet.get(key) ?? new Map();
    const fp = JSON.stringify(run.check);
    fingerprints.set(fp, [...(fingerprints.get(fp) ?? []), `${run.engine}/${run.mode}`]);
    byDataSet.set(key, fingerprints);
  }
  /** @type {string[]} */
  const warnings = [];
  for (const [dataSet, fingerprints] of byDataSet) {
    if (fingerprints.size <= 1) continue;
    const variants = [...fingerprints].map(([fp, who]) => `${who.join(', ')}: ${fp}`);
    warnings.push(`engines disagree on probe results for ${dataSet}:\n    ${variants.join('\n    ')}`);
  }
  return warnings;
}
