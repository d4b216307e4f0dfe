#!/usr/bin/env node
/**
 * `npm run bench:scale`: does Holt's cost stay flat as the catalog grows (issue 30)?
 * For each size, the objstore data set of bench/cold is loaded by a synchronous loop of
 * puts with the campaign's cacheMB (load.mjs: load rate and peak RSS), then measured by
 * bench/cold's measurement process (cold, steady and hot gets, full scan, listings) with
 * the same cacheMB, alone in a v1 memory cgroup, the page cache dropped before each cold
 * phase. `--dist label=path,...` measures several Holt builds on the same data set in the
 * same run (a before/after comparison: each build gets its own process and cgroup).
 * Prints one table; writes bench/results/scale-<date>.json and bench/SCALE.md.
 */

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from '../lib/machine.mjs';
import { BENCH_DIR, HOLT_DIST, RESULTS_DIR } from '../lib/paths.mjs';
import { cgroupUnavailableReason, createGroup, groupStats, removeGroup } from '../cold/cgroup.mjs';
import { runChild } from '../cold/child-process.mjs';
import { canDropPageCache } from '../cold/page-cache.mjs';
import { textTable } from '../cold/table.mjs';
import { scaleRows } from './figures.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIB = 2 ** 20;
/** @param {string} line */
const log = (line) => process.stderr.write(`scale: ${line}\n`);

const USAGE = `npm run bench:scale -- [options]

  --sizes 1M,4M       data set sizes (default 1M,4M; plain numbers or K/M suffixes)
  --16m               also 16M keys (a long load: minutes)
  --cache-mb N        cacheMB while loading and measuring (default 64)
  --budget-mb N       memory cgroup limit of each measurement (default 320)
  --dist a=PATH,...   Holt builds to measure, labelled (default this=dist/index.js); the first loads
  --dir PATH          where data sets live (default bench/scale/data)
  --rebuild           load again even when a data set matches
  --load-order O      shuffled (default: the keys in random order) or sorted (key order). Loads stay
                      within cacheMB (spills), so a shuffled load larger than the cache is bound by
                      the disk: hours at 4M keys with cacheMB 64; sorted loads take a minute
  --load-only         load (rate, peak RSS, spill counters) without the measurement phases
  --seed N            data set and op stream seed
  --no-write          print only: no SCALE.md, no results/scale-<date>.json
  --json PATH         also write the JSON result to PATH
  --timeout-min N     kill a load or measurement after N minutes (default 60)
  --help`;

/** @param {string | undefined} v */
function loadOrderOption(v) {
  if (v === undefined || v === 'shuffled' || v === 'sorted') return v ?? 'shuffled';
  throw new Error(`--load-order must be shuffled or sorted, got ${v}`);
}

/** @param {string} s */
function size(s) {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.replace(/_/g, ''));
  if (!m) throw new Error(`bad size ${s}`);
  return Math.round(Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]) ? 1e3 : 1e6));
}

/** @param {string[]} argv */
function parseOptions(argv) {
  /** @type {Map<string, string | true>} */
  const flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined && name !== 'dist') flags.set(name, inline);
    else if (name === 'dist' && inline !== undefined) flags.set(name, arg.slice('--dist='.length));
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(name, argv[++i]);
    else flags.set(name, true);
  }
  const known = ['sizes', '16m', 'cache-mb', 'budget-mb', 'dist', 'dir', 'rebuild', 'load-order', 'load-only', 'seed', 'no-write', 'json', 'timeout-min', 'help'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name}\n\n${USAGE}`);
  const value = (/** @type {string} */ name) => {
    const v = flags.get(name);
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  };
  const number = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
    return n;
  };
  const sizes = (value('sizes') ?? '1M,4M').split(',').map(size);
  if (flags.has('16m')) sizes.push(16_000_000);
  const dists = (value('dist') ?? `this=${HOLT_DIST}`).split(',').map((d) => {
    const at = d.indexOf('=');
    if (at <= 0) throw new Error(`--dist wants label=path, got ${d}`);
    return { label: d.slice(0, at), path: path.resolve(d.slice(at + 1)) };
  });
  const json = value('json');
  return {
    help: flags.has('help'),
    sizes,
    cacheMB: number('cache-mb', 64),
    budgetMB: number('budget-mb', 320),
    dists,
    dataDir: path.resolve(value('dir') ?? path.join(BENCH_DIR, 'scale', 'data')),
    rebuild: flags.has('rebuild'),
    loadOrder: loadOrderOption(value('load-order')),
    loadOnly: flags.has('load-only'),
    seed: Math.floor(number('seed', 0x15c01d)),
    write: !flags.has('no-write') && !flags.has('load-only'),
    json: json === undefined ? undefined : path.resolve(json),
    timeoutMs: number('timeout-min', 60) * 60_000,
    counts: { cold: 1_000, steady: 20_000, hot: 20_000, hotMaxPasses: 5, list: 300, listDir: 300 },
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  const cgroupReason = cgroupUnavailableReason();
  const drop = canDropPageCache();
  if (cgroupReason) log(`no memory cgroup: ${cgroupReason}`);
  if (!drop) log('page cache not dropped: not root');

  /** @type {any[]} */
  const runs = [];
  for (const keys of options.sizes) {
    const dir = path.join(options.dataDir, `holt-${keys}${options.loadOrder === 'sorted' ? '-sorted' : ''}`);
    const loader = options.dists[0];
    const load = await runChild(path.join(HERE, 'load.mjs'), { dir, keys, seed: options.seed, cacheMB: options.cacheMB, rebuild: options.rebuild, order: options.loadOrder }, {
      timeoutMs: options.timeoutMs, env: { HOLT_BENCH_DIST: loader.path },
    });
    if (!load.result) throw new Error(`loading ${keys} keys failed (${load.timedOut ? 'timed out' : `exit ${load.code ?? load.signal}`})`);
    const m = load.result.manifest;
    log(`${keys.toLocaleString('en-US')} keys: ${load.result.reused ? 'reused' : 'loaded'}, ${Math.round(m.load.putsPerSec).toLocaleString('en-US')} puts/s, peak RSS ${m.load.peakRssMiB.toFixed(0)} MiB, ${(m.diskBytes / MIB).toFixed(0)} MiB on disk`);
    if (options.loadOnly) {
      console.log(JSON.stringify({ keys, loader: loader.label, order: options.loadOrder, cacheMB: options.cacheMB, putsPerSec: Math.round(m.load.putsPerSec), peakRssMiB: Math.round(m.load.peakRssMiB), loopSeconds: m.load.loopSeconds, totalSeconds: m.load.totalSeconds, diskMiB: Math.round(m.diskBytes / MIB), spill: m.load.spill, overdraftsTotal: m.load.overdraftsTotal }));
      continue;
    }
    for (const dist of options.dists) {
      const group = cgroupReason ? undefined : createGroup(`holt-scale-${dist.label}`, options.budgetMB * MIB);
      log(`${keys.toLocaleString('en-US')} keys, ${dist.label}: measuring${group ? ` in cgroup ${group.name} (limit ${options.budgetMB} MiB)` : ''}`);
      const job = { engine: 'holt', dir, keys, seed: options.seed, cacheMB: options.cacheMB, drop, counts: options.counts };
      let outcome;
      let cgroup;
      try {
        outcome = await runChild(path.join(BENCH_DIR, 'cold', 'measure.mjs'), job, { timeoutMs: options.timeoutMs, group, env: { HOLT_BENCH_DIST: dist.path } });
        if (group) cgroup = groupStats(group);
      } finally {
        if (group) await removeGroup(group);
      }
      const failure = outcome.timedOut ? 'timed out' : cgroup && cgroup.oomKills > 0 ? 'OOM-killed' : outcome.code !== 0 ? `exit ${outcome.code ?? outcome.signal}` : undefined;
      if (failure) log(`${dist.label}: measurement ${failure}`);
      runs.push({ keys, dist: dist.label, load: { ...m.load, reused: load.result.reused, diskBytes: m.diskBytes }, result: outcome.result, cgroup, failure });
    }
  }

  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench:scale${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    options: { ...options, dataDir: path.relative(BENCH_DIR, options.dataDir) || '.', dists: options.dists.map((d) => ({ label: d.label, path: path.relative(BENCH_DIR, d.path) })) },
    machine: describeMachine(),
    cgroup: cgroupReason ?? `cgroup v1 memory, memory.limit_in_bytes ${options.budgetMB} MiB per measurement`,
    pageCacheDropped: drop,
    runs,
  };
  const table = textTable(scaleRows(runs));
  console.log(`\nScale: objstore keys loaded by a synchronous loop, cacheMB ${options.cacheMB}, ${cgroupReason ? 'no cgroup' : `cgroup ${options.budgetMB} MiB`}, page cache ${drop ? 'dropped' : 'NOT dropped'}\n`);
  console.log(table);
  if (options.json) {
    fs.mkdirSync(path.dirname(options.json), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  }
  if (options.write) {
    const jsonFile = path.join(RESULTS_DIR, `scale-${results.generatedAt.slice(0, 10)}.json`);
    fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    const md = `# Scale (\`npm run bench:scale\`)\n\nGenerated by \`${results.command}\` on ${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC (${results.wallSeconds} s; results/${path.basename(jsonFile)}). ` +
      `Objstore keys (bench/cold's data set) loaded by a synchronous loop of puts with cacheMB ${options.cacheMB}, then bench/cold's phases with the same cacheMB, ` +
      `each measurement alone in ${results.cgroup}, page cache ${drop ? 'dropped before each cold phase' : 'not dropped'}. ` +
      'Hot: the scattered 1% hot set of bench/cold; hot ranges: 1% as 32 runs of consecutive keys. Cache counters are `db.stats().durable.cache` after the hot-ranges phase.\n\n' +
      `\`\`\`\n${table}\n\`\`\`\n`;
    fs.writeFileSync(path.join(BENCH_DIR, 'SCALE.md'), md);
    log(`wrote ${path.relative(process.cwd(), jsonFile)}, bench/SCALE.md`);
  }
  return runs.some((r) => r.failure || r.result?.answers?.mismatches > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
