/**
 * Command-line options of `npm run bench:cold` and the two profiles: the campaign (4M keys,
 * the settings) and `--smoke` (a small data set that exercises every code path in
 * seconds, for test/bench/cold-smoke.test.ts).
 */

import path from 'node:path';
import { BENCH_DIR } from '../lib/paths.mjs';
import { COLD_ENGINES } from './engines/index.mjs';

/**
 * @typedef {object} ColdOptions
 * @property {boolean} smoke
 * @property {number} keys
 * @property {number} seed
 * @property {number} cacheMB  Holt's cacheMB
 * @property {number} budgetMB  memory.limit_in_bytes of every engine's cgroup
 * @property {number} buildCacheMB  Holt's cache while building (not measured)
 * @property {string[]} engines
 * @property {string} dataDir  where data sets live, one subdirectory per engine and size
 * @property {boolean} rebuild
 * @property {boolean} cgroup  run measurements inside memory cgroups (needs root)
 * @property {boolean} drop  drop the page cache before cold phases (needs root)
 * @property {boolean} write  write bench/COLD.md and bench/results/cold-<date>.json
 * @property {string | undefined} json  also (or in smoke mode only) write the JSON here
 * @property {number} timeoutMs  per child process
 * @property {import('./measure.mjs').Counts} counts
 */

export const USAGE = `npm run bench:cold -- [options]

  --keys N            data set size (default 4000000; must be >= 4x cacheMB on disk)
  --cache-mb N        Holt's cacheMB (default 64)
  --budget-mb N       memory cgroup limit of every engine (default 320)
  --engines a,b       subset of ${COLD_ENGINES.join(',')}
  --dir PATH          where data sets are built and reused (default bench/cold/data)
  --rebuild           rebuild data sets even when their manifest matches
  --seed N            data set and op stream seed
  --no-cgroup         measure without memory cgroups
  --no-drop           do not drop the page cache before cold phases
  --no-write          print only: no COLD.md, no results/cold-<date>.json
  --json PATH         also write the JSON result to PATH
  --timeout-min N     kill a build or measurement process after N minutes (default 45)
  --smoke             40,000 keys, cacheMB 16, few ops, no files written unless --json
  --help`;

/**
 * @param {string[]} argv
 * @returns {ColdOptions}
 */
export function parseOptions(argv) {
  /** @type {Map<string, string | true>} */
  const flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(name, argv[++i]);
    else flags.set(name, true);
  }
  const known = ['keys', 'cache-mb', 'budget-mb', 'engines', 'dir', 'rebuild', 'seed', 'no-cgroup', 'no-drop', 'no-write', 'json', 'timeout-min', 'smoke', 'help'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name}\n\n${USAGE}`);
  const number = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const v = flags.get(name);
    if (v === undefined) return fallback;
    const n = Number(String(v).replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
    return n;
  };
  const text = (/** @type {string} */ name) => {
    const v = flags.get(name);
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  };
  const smoke = flags.has('smoke');
  const engines = (text('engines') ?? COLD_ENGINES.join(',')).split(',');
  for (const e of engines) if (!COLD_ENGINES.includes(e)) throw new Error(`unknown engine ${e} (have ${COLD_ENGINES.join(', ')})`);
  const json = text('json');
  return {
    smoke,
    keys: Math.floor(number('keys', smoke ? 40_000 : 4_000_000)),
    seed: Math.floor(number('seed', 0x15c01d)),
    cacheMB: number('cache-mb', smoke ? 16 : 64),
    budgetMB: number('budget-mb', 320),
    buildCacheMB: smoke ? 64 : 1024,
    engines,
    dataDir: path.resolve(text('dir') ?? path.join(BENCH_DIR, 'cold', 'data')),
    rebuild: flags.has('rebuild'),
    cgroup: !flags.has('no-cgroup'),
    drop: !flags.has('no-drop'),
    write: !smoke && !flags.has('no-write'),
    json: json === undefined ? undefined : path.resolve(json),
    timeoutMs: number('timeout-min', smoke ? 1 : 45) * 60_000,
    counts: smoke
      ? { cold: 200, steady: 2_000, hot: 2_000, hotMaxPasses: 2, list: 40, listDir: 40 }
      : { cold: 1_000, steady: 20_000, hot: 20_000, hotMaxPasses: 5, list: 300, listDir: 300 },
  };
}

/** @param {string[]} argv */
export const wantsHelp = (argv) => argv.includes('--help') || argv.includes('-h');
