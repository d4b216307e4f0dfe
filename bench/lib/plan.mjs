/**
 * Command-line options and the list of worker jobs they expand to.
 *
 * Main jobs: every workload x mode x engine that supports the mode, at the base size
 * (20k keys), running every op kind that applies. Durable mode runs only the write
 * ops (reads do not touch the disk path that durability changes) with small counts.
 * Scale jobs: memory mode, get and list_dir_8 at the larger sizes; the 20k point of
 * the curve is the main memory run.
 * Strict jobs (--gc-between-reps): the main memory jobs again in the 'gc' regime
 * (engine-worker.mjs: a full collection before every timed repetition, string keys out,
 * bytes allocated per op), reported beside the usual regime.
 */

import { parseArgs } from 'node:util';
import { ENGINE_NAMES } from '../adapters/index.mjs';
import { WORKLOADS } from '../workloads/index.mjs';
import { OP_KINDS } from './ops.mjs';

export const MODES = /** @type {const} */ (['memory', 'hot', 'durable']);
export const BASE_SIZE = 20_000;
export const DEFAULT_SEED = 0x401d;

/** Most ops per repetition; the worker shortens repetitions of slow engines. */
const MAX_COUNT = {
  get: 20_000,
  put: 20_000,
  mixed: 20_000,
  create_delete: 10_000,
  rename: 10_000,
  list: 2_000,
  list_dir_8: 5_000,
  list_dir_all: 2_000,
  metadata_mix: 10_000,
};
const DURABLE_OPS = ['put', 'create_delete', 'rename', 'metadata_mix'];
const DURABLE_MAX_COUNT = 200;
const SCALE_OPS = ['get', 'list_dir_8'];

/**
 * @typedef {object} Profile
 * @property {string} name
 * @property {number} reps
 * @property {number} targetMs   duration aimed at per repetition
 * @property {number} durableReps
 * @property {number} durableTargetMs
 * @property {number[]} scaleSizes  sizes beyond the base size
 * @property {string[] | undefined} durableWorkloads  undefined = all
 * @property {number} jobTimeoutMs
 */

/** @type {Record<string, Profile>} */
export const PROFILES = {
  full: {
    name: 'full',
    reps: 9,
    targetMs: 40,
    durableReps: 5,
    durableTargetMs: 60,
    scaleSizes: [200_000, 1_000_000],
    durableWorkloads: undefined,
    jobTimeoutMs: 300_000,
  },
  quick: {
    name: 'quick',
    reps: 5,
    targetMs: 20,
    durableReps: 3,
    durableTargetMs: 20,
    scaleSizes: [200_000],
    durableWorkloads: ['objstore'],
    jobTimeoutMs: 90_000,
  },
};

/**
 * @typedef {object} Options
 * @property {Profile} profile
 * @property {string[]} engines
 * @property {string[]} workloads
 * @property {string[]} modes
 * @property {string[] | undefined} ops   undefined = all
 * @property {boolean} scale
 * @property {boolean} saveBaseline
 * @property {boolean} write   write latest.json, RESULTS.md and scale.svg
 * @property {string | undefined} out  write the results JSON here instead
 * @property {number} seed
 * @property {number} rounds  times every job runs (rounds alternate direction; samples merge)
 * @property {boolean} gcBetweenReps  also run the memory jobs in the 'gc' regime
 */

/** @param {string | undefined} value @param {readonly string[]} allowed @param {string} what */
function list(value, allowed, what) {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item)) throw new Error(`unknown ${what} "${item}" (have ${allowed.join(', ')})`);
  }
  return items;
}

export const USAGE = `usage: npm run bench -- [options]
  --quick               short run (< 2 min): fewer repetitions, durable only for objstore, no 1M point
  --engines a,b         ${ENGINE_NAMES.join(', ')}
  --workloads x,y       ${Object.keys(WORKLOADS).join(', ')}
  --modes m,n           ${MODES.join(', ')}
  --ops o,p             ${OP_KINDS.map((k) => k.name).join(', ')}
  --no-scale            skip the scale curve
  --save-baseline       also write bench/results/baseline.json (compared by npm run bench:check)
  --out FILE            write the results JSON to FILE only (no RESULTS.md / latest.json)
  --seed N              PRNG seed (default ${DEFAULT_SEED})
  --rounds N            run every job N times, alternating order, and merge the samples (noisy machines)
  --gc-between-reps     also run the memory jobs in the strict regime: gc() before every timed repetition,
                        keys out as strings, bytes allocated per op; reported beside the usual regime`;

/**
 * @param {string[]} argv
 * @returns {Options}
 */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      engines: { type: 'string' },
      workloads: { type: 'string' },
      modes: { type: 'string' },
      ops: { type: 'string' },
      'no-scale': { type: 'boolean', default: false },
      'save-baseline': { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string' },
      rounds: { type: 'string' },
      'gc-between-reps': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return {
    profile: values.quick ? PROFILES.quick : PROFILES.full,
    engines: list(values.engines, ENGINE_NAMES, 'engine'),
    workloads: list(values.workloads, Object.keys(WORKLOADS), 'workload'),
    modes: list(values.modes, MODES, 'mode'),
    ops: values.ops === undefined ? undefined : list(values.ops, OP_KINDS.map((k) => k.name), 'op'),
    scale: !values['no-scale'],
    saveBaseline: values['save-baseline'] ?? false,
    write: values.out === undefined,
    out: values.out,
    seed: values.seed === undefined ? DEFAULT_SEED : Number(values.seed),
    rounds: Math.max(1, Math.floor(Number(values.rounds ?? 1)) || 1),
    gcBetweenReps: values['gc-between-reps'] ?? false,
  };
}

/**
 * @typedef {import('../engine-worker.mjs').Job & { role: 'main' | 'scale' | 'strict' }} PlannedJob
 */

/**
 * @param {Options} options
 * @param {Record<string, import('../adapters/index.mjs').Engine>} engines  loaded, usable engines
 * @returns {PlannedJob[]}
 */
export function planJobs(options, engines) {
  const { profile } = options;
  /** @type {PlannedJob[]} */
  const jobs = [];
  const wanted = (/** @type {string} */ op) => options.ops === undefined || options.ops.includes(op);
  for (const workloadName of options.workloads) {
    const workload = WORKLOADS[workloadName];
    for (const mode of options.modes) {
      if (mode === 'durable' && profile.durableWorkloads && !profile.durableWorkloads.includes(workloadName)) continue;
      const durable = mode === 'durable';
      const ops = OP_KINDS.filter((k) => (!k.listing || workload.hasListings) && (!durable || DURABLE_OPS.includes(k.name)))
        .filter((k) => wanted(k.name))
        .map((k) => ({
          name: k.name,
          count: durable ? DURABLE_MAX_COUNT : MAX_COUNT[/** @type {keyof typeof MAX_COUNT} */ (k.name)],
          reps: durable ? profile.durableReps : profile.reps,
          targetMs: durable ? profile.durableTargetMs : profile.targetMs,
        }));
      if (ops.length === 0) continue;
      for (const name of options.engines) {
        const engine = engines[name];
        if (!engine || !engine.modes.includes(/** @type {any} */ (mode))) continue;
        jobs.push({ role: 'main', engine: name, workload: workloadName, mode: /** @type {any} */ (mode), size: BASE_SIZE, seed: options.seed, ops });
        if (options.gcBetweenReps && mode === 'memory') {
          jobs.push({ role: 'strict', regime: 'gc', engine: name, workload: workloadName, mode: 'memory', size: BASE_SIZE, seed: options.seed, ops });
        }
      }
    }
    if (!options.scale) continue;
    const scaleOps = SCALE_OPS.filter((op) => wanted(op) && (op === 'get' || workload.hasListings)).map((name) => ({
      name,
      count: MAX_COUNT[/** @type {keyof typeof MAX_COUNT} */ (name)],
      reps: profile.reps,
      targetMs: profile.targetMs,
    }));
    if (scaleOps.length === 0) continue;
    for (const size of profile.scaleSizes) {
      for (const name of options.engines) {
        const engine = engines[name];
        if (!engine || !engine.modes.includes('memory')) continue;
        jobs.push({ role: 'scale', engine: name, workload: workloadName, mode: 'memory', size, seed: options.seed, ops: scaleOps });
      }
    }
  }
  return jobs;
}

export { SCALE_OPS };
