#!/usr/bin/env node
/**
 * `npm run bench:cold`: Holt, better-sqlite3 and lmdb on a data set larger than memory.
 * Builds (or reuses) each engine's data set, then measures each engine in its own process
 * inside a memory cgroup with the page cache dropped before every cold phase (measure.mjs
 * lists the phases), checks every answer, prints the figures beside Holt's targets from
 * issues 25 and 15, and writes bench/results/cold-<date>.json and bench/COLD.md.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePeers, holtUnavailableReason, peerVersions } from '../lib/deps.mjs';
import { describeMachine } from '../lib/machine.mjs';
import { BENCH_DIR, RESULTS_DIR } from '../lib/paths.mjs';
import { cgroupUnavailableReason, createGroup, groupStats, removeGroup } from './cgroup.mjs';
import { runChild } from './child-process.mjs';
import { compareAnswers } from './consistency.mjs';
import { coldMarkdown, linkFromResults } from './cold-md.mjs';
import { distFingerprint } from './dist-fingerprint.mjs';
import { figureRows } from './figures.mjs';
import { parseOptions, USAGE, wantsHelp } from './options.mjs';
import { canDropPageCache } from './page-cache.mjs';
import { readaheadKiB } from './readahead.mjs';
import { textTable } from './table.mjs';
import { TARGETS } from './targets.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIB = 2 ** 20;
/** @param {string} line */
const log = (line) => process.stderr.write(`cold: ${line}\n`);

/**
 * How a measurement process ended, when not normally.
 * @param {import('./child-process.mjs').ChildOutcome} outcome
 * @param {import('./cgroup.mjs').GroupStats | undefined} cgroup
 * @returns {string | undefined}
 */
function failureOf(outcome, cgroup) {
  if (outcome.timedOut) return 'timed out';
  if (cgroup && cgroup.oomKills > 0) return 'OOM-killed';
  if (outcome.signal) return `killed by ${outcome.signal}`;
  if (outcome.code !== 0) return `exit ${outcome.code}`;
  if (!outcome.result?.complete) return 'incomplete';
  return undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(argv);
  const started = Date.now();
  const loadAtStart = os.loadavg();
  ensurePeers(log);
  if (options.engines.includes('holt')) {
    const reason = await holtUnavailableReason();
    if (reason) throw new Error(`cannot measure Holt: ${reason}`);
  }
  const cgroupReason = options.cgroup ? cgroupUnavailableReason() : 'disabled (--no-cgroup)';
  const drop = options.drop && canDropPageCache();
  if (cgroupReason) log(`no memory cgroup: ${cgroupReason}`);
  if (!drop) log(`page cache not dropped: ${options.drop ? 'not root' : 'disabled (--no-drop)'}`);

  /** @type {Record<string, any>} */
  const builds = {};
  for (const engine of options.engines) {
    const dir = path.join(options.dataDir, `${engine}-${options.keys}`);
    const job = { engine, dir, keys: options.keys, seed: options.seed, buildCacheMB: options.buildCacheMB, rebuild: options.rebuild };
    const outcome = await runChild(path.join(HERE, 'build.mjs'), job, { timeoutMs: options.timeoutMs });
    if (!outcome.result) throw new Error(`building ${engine} failed (${outcome.timedOut ? 'timed out' : `exit ${outcome.code ?? outcome.signal}`})`);
    builds[engine] = { ...outcome.result, dir };
    const m = outcome.result.manifest;
    log(`${engine}: data set ${outcome.result.reused ? 'reused' : `built in ${(m.buildMs / 1000).toFixed(0)} s`}, ${(m.diskBytes / MIB).toFixed(0)} MiB on disk`);
  }

  /** @type {import('./figures.mjs').EngineRun[]} */
  const runs = [];
  for (const engine of options.engines) {
    const group = cgroupReason ? undefined : createGroup(`holt-bench-${engine}${options.smoke ? `-smoke-${process.pid}` : ''}`, options.budgetMB * MIB);
    const job = { engine, dir: builds[engine].dir, keys: options.keys, seed: options.seed, cacheMB: options.cacheMB, drop, counts: options.counts };
    log(`${engine}: measuring${group ? ` in cgroup ${group.name} (limit ${options.budgetMB} MiB)` : ''}`);
    let outcome;
    /** @type {import('./cgroup.mjs').GroupStats | undefined} */
    let cgroup;
    try {
      outcome = await runChild(path.join(HERE, 'measure.mjs'), job, { timeoutMs: options.timeoutMs, group });
      if (group) cgroup = groupStats(group);
    } finally {
      if (group) await removeGroup(group);
    }
    const failure = failureOf(outcome, cgroup);
    if (failure) log(`${engine}: measurement ${failure}`);
    // The data set's path relative to bench/, so the committed JSON names no machine's checkout.
    runs.push({ engine, build: { ...builds[engine], dir: path.relative(BENCH_DIR, builds[engine].dir) }, result: outcome.result, cgroup, failure });
  }

  const consistency = compareAnswers(runs);
  /** @type {string[]} */
  const warnings = [];
  for (const run of runs) {
    if (run.failure) warnings.push(`${run.engine}: the measurement process ${run.failure}; phases after the last one shown did not run.`);
    if (run.result?.answers?.mismatches > 0) warnings.push(`${run.engine}: ${run.result.answers.mismatches} wrong answers, e.g. ${run.result.answers.examples.join('; ')}`);
    const disk = run.build?.manifest?.diskBytes ?? 0;
    if (!options.smoke && disk < 4 * options.cacheMB * MIB) warnings.push(`${run.engine}: data set ${(disk / MIB).toFixed(0)} MiB on disk is under 4x cacheMB (${4 * options.cacheMB} MiB).`);
    const hotKiB = run.result?.phases?.hot?.readBytesPerOp / 1024;
    if (hotKiB > 1) {
      warnings.push(
        `${run.engine}: the hot set never warmed (${hotKiB.toFixed(1)} KiB read per hot get after the warm-up passes): its cache cannot hold the hot set, ` +
          'so the after/before ratio compares two cold-ish measurements and says little about scan resistance.',
      );
    }
    if (run.engine === 'holt' && run.build?.manifest?.holtDist && run.build.manifest.holtDist !== distFingerprint()) {
      warnings.push('holt: the data set was built by another dist build with the same manifest format (--rebuild to rebuild it with this one).');
    }
  }
  warnings.push(...consistency.differences.map((d) => `answers differ between engines: ${d}`));

  const holt = runs.find((r) => r.engine === 'holt');
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench:cold${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    options: { ...options, dataDir: path.relative(BENCH_DIR, options.dataDir) || '.' },
    machine: { ...describeMachine(), loadAverageAtStart: loadAtStart.map((x) => Math.round(x * 100) / 100), readaheadKiB: readaheadKiB(options.dataDir) },
    peers: peerVersions(),
    cgroup: cgroupReason ?? `cgroup v1 memory, memory.limit_in_bytes ${options.budgetMB} MiB per engine`,
    pageCacheDropped: drop,
    runs,
    consistency,
    targets: TARGETS.map((t) => {
      const value = holt?.result ? t.value(holt.result, options) : undefined;
      return { id: t.id, label: t.label, target: t.text, value, met: value === undefined ? null : t.met(value, options) };
    }),
    warnings,
  };

  const rows = figureRows(runs, options);
  console.log(`\nLarger than memory: ${options.keys.toLocaleString('en-US')} keys, Holt cacheMB ${options.cacheMB}, ${cgroupReason ? 'no cgroup' : `cgroup ${options.budgetMB} MiB`}, page cache ${drop ? 'dropped' : 'NOT dropped'}\n`);
  console.log(textTable(rows));
  console.log(`\nanswers: ${consistency.same ? 'identical across engines' : 'DIFFER'}${warnings.length ? `\n\nwarnings:\n${warnings.map((w) => `- ${w}`).join('\n')}` : ''}`);

  if (options.json) {
    fs.mkdirSync(path.dirname(options.json), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (options.write) {
    const jsonFile = path.join(RESULTS_DIR, `cold-${results.generatedAt.slice(0, 10)}.json`);
    fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(BENCH_DIR, 'COLD.md'), coldMarkdown(results, path.basename(jsonFile)));
    linkFromResults(results);
    log(`wrote ${path.relative(process.cwd(), jsonFile)}, bench/COLD.md`);
  }
  const failed = runs.some((r) => r.failure || r.result?.answers?.mismatches > 0) || !consistency.same;
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
