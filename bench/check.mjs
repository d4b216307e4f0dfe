#!/usr/bin/env node
/**
 * `npm run bench:check`: a quick benchmark pass whose Holt ratios (peer time / Holt
 * time, not absolute times, so a slower or busier machine does not fail it) are
 * compared with the last committed bench/results/baseline.json (written by
 * `npm run bench -- --save-baseline`).
 *
 * A Holt cell (workload, mode, size, op) regresses when its ratios fell by more than
 * the noise measured on both sides: the half-widths of the baseline's and this run's
 * ratio ranges (from the p10/p90 spreads), never less than --tolerance (default 20%).
 * Drops and noise are medians over the cell's peers, and a flagged cell must show the
 * drop again in a second pass before it counts.
 * Exit 0: no regression (or nothing to compare yet); 1: regression; 2: could not run.
 * Extra options (--engines, --workloads, --modes, --ops) narrow the quick pass.
 */

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { printTables, runBench, writeOutputs } from './run.mjs';
import { formatRatio, formatSize } from './lib/format.mjs';
import { BASELINE_JSON, RESULTS_DIR, ROOT_DIR } from './lib/paths.mjs';
import { BASE_SIZE, parseOptions } from './lib/plan.mjs';

const CHECK_JSON = path.join(RESULTS_DIR, 'check.json');

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

/** The committed baseline if there is one, else the working-tree file. */
function readBaseline() {
  const rel = path.relative(ROOT_DIR, BASELINE_JSON).split(path.sep).join('/');
  const git = spawnSync('git', ['show', `HEAD:${rel}`], { cwd: ROOT_DIR, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (git.status === 0) return { source: `HEAD:${rel}`, data: JSON.parse(git.stdout) };
  if (fs.existsSync(BASELINE_JSON)) return { source: `${rel} (uncommitted)`, data: JSON.parse(fs.readFileSync(BASELINE_JSON, 'utf8')) };
  return undefined;
}

/**
 * Half-width of a ratio's noise range, relative to the ratio.
 * @param {{ ratio: number | null, ratioLow: number | null, ratioHigh: number | null }} cell
 */
const noise = (cell) => (cell.ratio && cell.ratioLow !== null && cell.ratioHigh !== null ? (cell.ratioHigh - cell.ratioLow) / (2 * cell.ratio) : 0);

/** @param {number[]} xs */
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * @typedef {object} Regression
 * @property {string} key      workload/mode/size/op
 * @property {string} workload
 * @property {string} op
 * @property {number} size
 * @property {number} drop     median over peers of the relative ratio drop
 * @property {number} tolerance
 * @property {string} detail   per-peer ratios, was -> now
 */

/**
 * A slower Holt lowers its ratio against every peer at once, while a noisy peer moves
 * only its own, so a cell's drop is the median over its peers, and so is its noise.
 * @param {any} baseline results object
 * @param {any} current results object
 * @param {number} floor minimum relative tolerance
 * @returns {{ compared: number, regressions: Regression[] }}
 */
export function findRegressions(baseline, current, floor) {
  /** @type {Map<string, any>} */
  const before = new Map();
  for (const c of baseline.comparisons) before.set(`${c.workload}/${c.mode}/${c.size}/${c.op}`, c);
  /** @type {Regression[]} */
  const regressions = [];
  let compared = 0;
  for (const c of current.comparisons) {
    const key = `${c.workload}/${c.mode}/${c.size}/${c.op}`;
    const was = before.get(key);
    if (!was) continue;
    /** @type {number[]} */
    const drops = [];
    /** @type {number[]} */
    const noises = [];
    /** @type {string[]} */
    const detail = [];
    for (const [peer, now] of Object.entries(c.peers)) {
      const then = was.peers[peer];
      if (!then || then.ratio === null || /** @type {any} */ (now).ratio === null) continue;
      const cell = /** @type {any} */ (now);
      drops.push(1 - cell.ratio / then.ratio);
      noises.push(noise(then) + noise(cell));
      detail.push(`${peer} ${formatRatio(then.ratio)} -> ${formatRatio(cell.ratio)}`);
    }
    if (drops.length === 0) continue;
    compared++;
    const drop = median(drops);
    const tolerance = Math.max(floor, median(noises));
    if (drop > tolerance) {
      regressions.push({ key: `${c.workload}/${c.mode}/${formatSize(c.size)}/${c.op}`, workload: c.workload, op: c.op, size: c.size, drop, tolerance, detail: detail.join(', ') });
    }
  }
  return { compared, regressions };
}

async function main() {
  const { values, tokens } = parseArgs({
    args: process.argv.slice(2),
    options: { tolerance: { type: 'string', default: '0.2' }, engines: { type: 'string' }, workloads: { type: 'string' }, modes: { type: 'string' }, ops: { type: 'string' } },
    tokens: true,
    strict: true,
  });
  /** @param {string[]} exclude option names to leave out */
  const passthrough = (exclude) =>
    tokens
      .flatMap((t) => (t.kind === 'option' && t.name !== 'tolerance' && !exclude.includes(t.name) ? [`--${t.name}`, String(t.value)] : []));
  const baseline = readBaseline();
  if (!baseline) {
    log('bench:check: no bench/results/baseline.json yet; create one with `npm run bench -- --save-baseline` and commit it.');
    return 0;
  }
  if (!baseline.data.holt?.available) {
    log(`bench:check: the baseline (${baseline.source}) has no Holt figures, so there are no ratios to hold; save a new baseline once Holt builds.`);
    return 0;
  }
  const options = parseOptions(['--quick', '--out', CHECK_JSON, ...passthrough([])]);
  const current = await runBench(options, `npm run bench:check ${process.argv.slice(2).join(' ')}`.trim());
  writeOutputs(current, options);
  printTables(current);
  if (!current.holt.available) {
    log(`bench:check: Holt could not be measured: ${current.holt.reason}`);
    return 2;
  }
  const floor = Number(values.tolerance);
  const first = findRegressions(baseline.data, current, floor);
  process.stdout.write(`\nbench:check: ${first.compared} Holt cells compared with ${baseline.source} (${baseline.data.createdAt}, ${baseline.data.profile} profile)\n`);
  if (first.compared === 0) {
    log('bench:check: no cell in common with the baseline');
    return 2;
  }
  let regressions = first.regressions;
  if (regressions.length > 0) {
    // A shared machine has bad moments: a regression counts only if a second pass over
    // the flagged workloads and ops shows it again.
    process.stdout.write(`bench:check: ${regressions.length} cell(s) below the baseline; confirming with a second pass\n`);
    const confirmOptions = parseOptions([
      '--quick',
      '--out',
      CHECK_JSON,
      ...(regressions.every((r) => r.size === BASE_SIZE) ? ['--no-scale'] : []),
      ...passthrough(['workloads', 'ops']),
      '--workloads',
      [...new Set(regressions.map((r) => r.workload))].join(','),
      '--ops',
      [...new Set(regressions.map((r) => r.op))].join(','),
    ]);
    const again = await runBench(confirmOptions, 'npm run bench:check (confirmation pass)');
    const second = findRegressions(baseline.data, again, floor);
    const repeated = new Set(second.regressions.map((r) => r.key));
    for (const r of regressions.filter((x) => !repeated.has(x.key))) {
      process.stdout.write(`  not confirmed: ${r.key} (-${Math.round(r.drop * 100)}%, noise ${Math.round(r.tolerance * 100)}%)\n`);
    }
    regressions = regressions.filter((r) => repeated.has(r.key));
  }
  if (regressions.length === 0) {
    process.stdout.write('bench:check: no Holt ratio dropped beyond its noise\n');
    return 0;
  }
  process.stdout.write(`bench:check: ${regressions.length} regression(s) (ratio = peer time / Holt time; a drop means Holt got slower relative to its peers):\n`);
  for (const r of regressions.sort((a, b) => b.drop - a.drop)) {
    process.stdout.write(`  ${r.key.padEnd(36)} -${Math.round(r.drop * 100)}% (noise ${Math.round(r.tolerance * 100)}%): ${r.detail}\n`);
  }
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    log(`bench:check: ${error instanceof Error ? error.stack : error}`);
    process.exitCode = 2;
  },
);
