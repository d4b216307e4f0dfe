#!/usr/bin/env node
/**
 * `npm run bench [-- options]`: Holt against the engines a Node user would pick
 * instead. Installs the peers on first use, runs every engine in its own child process
 * one at a time (so they never compete for the 2 cores), prints ns/op and ratios, and
 * writes bench/results/latest.json, bench/RESULTS.md and bench/results/scale.svg.
 * Options: see USAGE in lib/plan.mjs (`npm run bench -- --help`).
 */

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES, loadEngine } from './adapters/index.mjs';
import { compare, compareLevel, mergeRounds, scalePoints, verify } from './lib/analyze.mjs';
import { ensurePeers, holtUnavailableReason, peerVersions } from './lib/deps.mjs';
import { consoleTable, formatSize, levelRows, memoryCells } from './lib/format.mjs';
import { describeMachine } from './lib/machine.mjs';
import { BASELINE_JSON, LATEST_JSON, RESULTS_DIR, RESULTS_MD, SCALE_SVG, WORKER } from './lib/paths.mjs';
import { BASE_SIZE, MODES, parseOptions, planJobs } from './lib/plan.mjs';
import { keptSections, renderResults } from './lib/report.mjs';
import { scaleSvg } from './lib/svg.mjs';
import { strictAllocRows, strictCells, strictTimeRows, textTable } from './lib/strict.mjs';
import { makeDataDir } from './engine-worker.mjs';

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Runs one job in a fresh Node process and returns its parsed result.
 * @param {import('./lib/plan.mjs').PlannedJob} job
 * @param {number} timeoutMs
 * @returns {Promise<import('./lib/analyze.mjs').RunResult>}
 */
function runWorker(job, timeoutMs) {
  const { role, ...plan } = job;
  const workerJob = { ...plan, dir: makeDataDir(job.mode) };
  const removeDir = () => fs.rmSync(workerJob.dir, { recursive: true, force: true });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', WORKER, JSON.stringify(workerJob)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      removeDir();
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) {
        resolve({ role, ...JSON.parse(line.slice('@@RESULT '.length)) });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      resolve({ role, ...plan, ops: undefined, error: `worker ${why}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, wallMs: timeoutMs });
    });
  });
}

/**
 * Runs the benchmark and returns the results object (also written to disk unless
 * `options.write` is false and no `options.out` is given).
 * @param {import('./lib/plan.mjs').Options} options
 * @param {string} command how the run was started, for the report
 */
export async function runBench(options, command) {
  const started = Date.now();
  ensurePeers(log);
  const holtReason = await holtUnavailableReason();
  /** @type {Record<string, import('./adapters/index.mjs').Engine>} */
  const engines = {};
  for (const name of options.engines) {
    const engine = await loadEngine(name);
    if ((engine.holt || engine.usesHolt) && holtReason) continue;
    engines[name] = engine;
  }
  if (holtReason) log(`bench: Holt skipped: ${holtReason}`);

  const jobs = planJobs(options, engines);
  log(`bench: ${jobs.length * options.rounds} runs (${options.profile.name} profile, ${options.rounds} round${options.rounds > 1 ? 's' : ''}), engines ${Object.keys(engines).join(', ')}`);
  /** @type {import('./lib/analyze.mjs').RunResult[]} */
  const runs = [];
  // With several rounds, even rounds run the jobs in reverse order, so a busy spell on a
  // shared machine does not always land on the same engines.
  const schedule = Array.from({ length: options.rounds }, (_, r) => (r % 2 ? [...jobs].reverse() : jobs)).flat();
  for (const [i, job] of schedule.entries()) {
    const label = `${job.engine} ${job.workload} ${job.mode} ${formatSize(job.size)}${job.regime === 'gc' ? ' gc' : ''}`;
    const result = await runWorker(job, options.profile.jobTimeoutMs);
    runs.push(result);
    const status = result.error ? `FAILED: ${result.error}` : `${(result.wallMs / 1000).toFixed(1)} s`;
    log(`  [${String(i + 1).padStart(String(schedule.length).length)}/${schedule.length}] ${label.padEnd(44)} ${status}`);
  }
  const allMerged = mergeRounds(runs);
  const merged = allMerged.filter((r) => r.regime !== 'gc');
  const strictRuns = allMerged.filter((r) => r.regime === 'gc');

  const results = {
    schema: 1,
    createdAt: new Date().toISOString(),
    command,
    profile: options.profile.name,
    seed: options.seed,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
    machine: describeMachine(),
    peers: peerVersions(),
    holt: { available: holtReason === undefined, reason: holtReason ?? null },
    engines: Object.fromEntries(Object.entries(engines).map(([name, e]) => [name, e.summary])),
    rounds: options.rounds,
    warnings: verify(runs),
    comparisons: compare(merged),
    level: compareLevel(merged),
    scale: scalePoints(merged),
    runs: merged,
    // The --gc-between-reps regime, kept apart so the usual tables and bench:check's ratios stay as they were.
    strict: strictRuns.length > 0 ? { comparisons: compare(strictRuns), runs: strictRuns } : null,
  };
  return results;
}

/**
 * Prints the per-workload tables to stdout.
 * @param {Awaited<ReturnType<typeof runBench>>} results
 */
export function printTables(results) {
  const base = results.comparisons.filter((c) => c.size === BASE_SIZE);
  for (const workload of [...new Set(base.map((c) => c.workload))]) {
    for (const mode of MODES) {
      const cells = base.filter((c) => c.workload === workload && c.mode === mode);
      if (cells.length === 0) continue;
      const title = `${workload} / ${mode} (ns/op; ratio = peer / Holt, above 1 Holt is faster)`;
      process.stdout.write(`\n${consoleTable(title, cells, memoryCells(results.runs, workload, mode, BASE_SIZE))}\n`);
    }
  }
  for (const workload of [...new Set((results.strict?.comparisons ?? []).map((c) => c.workload))]) {
    const cells = strictCells(results, workload);
    if (cells.length === 0) continue;
    process.stdout.write(`\n${workload} / memory, --gc-between-reps (ns/op; ratio = peer / Holt)\n${textTable(strictTimeRows(cells))}\n`);
    process.stdout.write(`\n${workload} / memory, --gc-between-reps: bytes allocated on the JS heap per op\n${textTable(strictAllocRows(cells))}\n`);
  }
  const scaleSizes = [...new Set(results.scale.map((p) => p.size))].sort((a, b) => a - b);
  if (scaleSizes.length > 1) {
    process.stdout.write(`\nscale (memory, ns/op at ${scaleSizes.map(formatSize).join(' / ')} keys)\n`);
    /** @type {Map<string, Map<number, number>>} */
    const lines = new Map();
    for (const p of results.scale) {
      const key = `${p.workload} ${p.op} ${p.engine}`;
      lines.set(key, (lines.get(key) ?? new Map()).set(p.size, p.median));
    }
    for (const [key, bySize] of lines) {
      process.stdout.write(`  ${key.padEnd(40)} ${scaleSizes.map((s) => (bySize.has(s) ? String(Math.round(/** @type {number} */ (bySize.get(s)))) : '-').padStart(9)).join(' ')}\n`);
    }
  }
  const level = levelRows(results.level ?? [], BASE_SIZE);
  if (level.length > 1) {
    process.stdout.write('\nthrough the Level interface (ns/op; ratio = classic-level / holt-level, above 1 holt-level is faster)\n');
    const widths = level[0].map((_, i) => Math.max(...level.map((r) => r[i].length)));
    for (const r of level) process.stdout.write(`  ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`);
  }
  for (const w of results.warnings) process.stdout.write(`\nWARNING: ${w}\n`);
  const failed = results.runs.filter((r) => r.error);
  for (const r of failed) process.stdout.write(`\nFAILED: ${r.engine} ${r.workload} ${r.mode} ${formatSize(r.size)}: ${r.error}\n`);
}

/**
 * @param {string} file
 * @param {string} text
 */
function writeAtomically(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * @param {Awaited<ReturnType<typeof runBench>>} results
 * @param {import('./lib/plan.mjs').Options} options
 */
export function writeOutputs(results, options) {
  const json = `${JSON.stringify(results, null, 1)}\n`;
  if (options.out) {
    writeAtomically(path.resolve(options.out), json);
    log(`bench: wrote ${options.out}`);
    return;
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  writeAtomically(LATEST_JSON, json);
  // Sections other tools keep in the file (bench:cold's) survive the rewrite.
  const previous = fs.existsSync(RESULTS_MD) ? fs.readFileSync(RESULTS_MD, 'utf8') : '';
  writeAtomically(RESULTS_MD, renderResults(results) + keptSections(previous));
  const m = results.machine;
  if (results.scale.length > 0) writeAtomically(SCALE_SVG, scaleSvg(results.scale, `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${results.createdAt.slice(0, 10)}`));
  if (options.saveBaseline) writeAtomically(BASELINE_JSON, json);
  log(`bench: wrote ${[LATEST_JSON, RESULTS_MD, ...(results.scale.length ? [SCALE_SVG] : []), ...(options.saveBaseline ? [BASELINE_JSON] : [])].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const results = await runBench(options, ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '));
  printTables(results);
  writeOutputs(results, options);
  log(`bench: done in ${results.elapsedSeconds} s`);
  const allFailed = results.runs.length > 0 && results.runs.every((r) => r.error);
  process.exitCode = allFailed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    log(`bench: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 2;
  });
}

export { ENGINE_NAMES };
