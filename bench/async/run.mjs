#!/usr/bin/env node
/**
 * `npm run bench:async`: Holt's asynchronous cold reads (getAsync / getManyAsync, issue 27)
 * against better-sqlite3's synchronous gets and Holt's own synchronous get, on the cold data
 * set of `bench:cold` (its builders, data directories and cgroup helpers), the page cache
 * dropped before every phase, each engine in its own process inside the same memory cgroup.
 * Prints the figures beside the issue's targets and writes bench/ASYNC.md and
 * bench/results/async-<date>.json (unless --no-write).
 *
 * Options: --keys N (default 4000000), --dir PATH (data sets; default bench/cold/data, shared
 * with bench:cold), --cache-mb N (64), --budget-mb N (320), --batch N (1000), --callers N (64),
 * --seconds N (10), --hot N (20000), --no-write, --no-cgroup.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePeers, holtUnavailableReason, peerVersions } from '../lib/deps.mjs';
import { describeMachine } from '../lib/machine.mjs';
import { BENCH_DIR, RESULTS_DIR } from '../lib/paths.mjs';
import { cgroupUnavailableReason, createGroup, groupStats, removeGroup } from '../cold/cgroup.mjs';
import { runChild } from '../cold/child-process.mjs';
import { canDropPageCache } from '../cold/page-cache.mjs';
import { asyncMarkdown, figures } from './async-md.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const COLD = path.join(HERE, '..', 'cold');
const MIB = 2 ** 20;
const ENGINES = ['holt', 'better-sqlite3'];
/** @param {string} line */
const log = (line) => process.stderr.write(`async: ${line}\n`);

function parse(argv) {
  /** @type {Map<string, string | true>} */
  const flags = new Map();
  for (let n = 0; n < argv.length; n++) {
    const a = argv[n];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (['no-write', 'no-cgroup', 'no-drop'].includes(name)) flags.set(name, true);
    else flags.set(name, argv[++n]);
  }
  const num = (name, d) => (flags.has(name) ? Number(flags.get(name)) : d);
  return {
    keys: num('keys', 4_000_000),
    dataDir: path.resolve(/** @type {string} */ (flags.get('dir') ?? path.join(COLD, 'data'))),
    cacheMB: num('cache-mb', 64),
    budgetMB: num('budget-mb', 320),
    batch: num('batch', 1000),
    callers: num('callers', 64),
    seconds: num('seconds', 10),
    hot: num('hot', 20_000),
    seed: 1,
    write: !flags.has('no-write'),
    cgroup: !flags.has('no-cgroup'),
    drop: !flags.has('no-drop'),
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const o = parse(argv);
  const started = Date.now();
  const load = os.loadavg();
  ensurePeers(log);
  const reason = await holtUnavailableReason();
  if (reason) throw new Error(`cannot measure Holt: ${reason}`);
  const cgroupReason = o.cgroup ? cgroupUnavailableReason() : 'disabled (--no-cgroup)';
  const drop = o.drop && canDropPageCache();
  if (cgroupReason) log(`no memory cgroup: ${cgroupReason}`);
  if (!drop) log('page cache not dropped');

  /** @type {Record<string, any>} */
  const runs = {};
  for (const engine of ENGINES) {
    const dir = path.join(o.dataDir, `${engine}-${o.keys}`);
    const build = await runChild(path.join(COLD, 'build.mjs'), { engine, dir, keys: o.keys, seed: o.seed, buildCacheMB: 1024, rebuild: false }, { timeoutMs: 60 * 60_000 });
    if (!build.result) throw new Error(`building ${engine} failed`);
    log(`${engine}: data set ${build.result.reused ? 'reused' : 'built'} (${(build.result.manifest.diskBytes / MIB).toFixed(0)} MiB on disk)`);
    const group = cgroupReason ? undefined : createGroup(`holt-bench-async-${engine}`, o.budgetMB * MIB);
    const job = { engine, dir, keys: o.keys, seed: o.seed, cacheMB: o.cacheMB, drop, batch: o.batch, callers: o.callers, seconds: o.seconds, hot: o.hot };
    let outcome;
    let cgroup;
    try {
      outcome = await runChild(path.join(HERE, 'measure.mjs'), job, { timeoutMs: 30 * 60_000, group });
      if (group) cgroup = groupStats(group);
    } finally {
      if (group) await removeGroup(group);
    }
    if (!outcome.result?.complete) log(`${engine}: measurement did not complete (exit ${outcome.code ?? outcome.signal})`);
    runs[engine] = { ...outcome.result, diskMiB: Math.round(build.result.manifest.diskBytes / MIB), cgroup };
  }

  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench:async${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    options: { ...o, dataDir: path.relative(BENCH_DIR, o.dataDir) },
    machine: { ...describeMachine(), loadAverageAtStart: load.map((x) => Math.round(x * 100) / 100) },
    peers: peerVersions(),
    cgroup: cgroupReason ?? `cgroup v1 memory, ${o.budgetMB} MiB per engine`,
    pageCacheDropped: drop,
    runs,
  };
  const rows = figures(results);
  for (const r of rows) console.log(`${r.label.padEnd(58)} ${String(r.value).padStart(12)}   ${r.target ?? ''}`);
  const wrong = Object.values(runs).reduce((n, r) => n + (r.wrong ?? 0), 0);
  if (wrong > 0) log(`${wrong} WRONG answers`);
  if (o.write) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const jsonFile = path.join(RESULTS_DIR, `async-${results.generatedAt.slice(0, 10)}.json`);
    fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(BENCH_DIR, 'ASYNC.md'), asyncMarkdown(results, path.basename(jsonFile)));
    log(`wrote ${path.relative(process.cwd(), jsonFile)}, bench/ASYNC.md`);
  }
  return wrong > 0 || Object.values(runs).some((r) => !r.complete) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(2);
  },
);
