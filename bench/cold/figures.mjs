/**
 * The campaign's figures as table rows: one row per measured quantity, one column per
 * engine, and for the rows that have one, Holt's target (targets.mjs) with met / missed.
 * Shared by the console output and COLD.md so both show the same numbers.
 */

import { lastMemory, TARGETS } from './targets.mjs';

/**
 * @typedef {object} EngineRun  one engine's build and measurement, as run.mjs collects it
 * @property {string} engine
 * @property {any} build  the build process's result (manifest, reused)
 * @property {any} result  the measurement process's last result
 * @property {import('./cgroup.mjs').GroupStats | undefined} cgroup
 * @property {string | undefined} failure  how the measurement process ended, if not normally
 */

/** @param {number | undefined} x @param {number} digits */
const fixed = (x, digits) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
/** @param {number | undefined} us */
const micros = (us) => (us === undefined || !Number.isFinite(us) ? '-' : us >= 100 ? Math.round(us).toLocaleString('en-US') : us.toFixed(1));
/** @param {number | undefined} bytes */
const kib = (bytes) => (bytes === undefined || !Number.isFinite(bytes) ? '-' : (bytes / 1024).toFixed(bytes < 10 * 1024 ? 2 : 1));
/** @param {number | undefined} bytes */
const mib = (bytes) => fixed(bytes === undefined ? undefined : bytes / 2 ** 20, 1);
/** @param {number | undefined} n */
const count = (n) => (n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US'));

/**
 * @typedef {object} Row
 * @property {string} label
 * @property {(run: EngineRun) => string} cell
 * @property {string} [target]  a TARGETS id
 */

/** @type {Row[]} */
const ROWS = [
  { label: 'cold get p50 µs', cell: (r) => micros(r.result?.phases?.cold?.p50Us) },
  { label: 'cold get p99 µs', cell: (r) => micros(r.result?.phases?.cold?.p99Us) },
  { label: 'cold get KiB read/get', cell: (r) => kib(r.result?.phases?.cold?.readBytesPerOp), target: 'coldReadKiB' },
  { label: 'steady get p50 µs', cell: (r) => micros(r.result?.phases?.steady?.p50Us) },
  { label: 'steady get p99 µs', cell: (r) => micros(r.result?.phases?.steady?.p99Us) },
  { label: 'steady get KiB read/get', cell: (r) => kib(r.result?.phases?.steady?.readBytesPerOp), target: 'steadyReadKiB' },
  { label: 'hot set warm-up passes (KiB read/get each)', cell: (r) => (r.result?.phases?.hot?.warmPassBytesPerGet ?? []).map((/** @type {number} */ b) => kib(b)).join(' → ') || '-' },
  { label: 'hot get p50 µs (before scan)', cell: (r) => micros(r.result?.phases?.hot?.p50Us), target: 'hotP50' },
  { label: 'hot get p99 µs (before scan)', cell: (r) => micros(r.result?.phases?.hot?.p99Us) },
  { label: 'hot get KiB read/get (before scan)', cell: (r) => kib(r.result?.phases?.hot?.readBytesPerOp) },
  { label: 'hot ranges get p50 µs (32 runs of keys)', cell: (r) => micros(r.result?.phases?.hotRanges?.p50Us), target: 'hotRangesP50' },
  { label: 'hot ranges get KiB read/get', cell: (r) => kib(r.result?.phases?.hotRanges?.readBytesPerOp) },
  { label: 'full scan rows/s', cell: (r) => count(r.result?.phases?.scan?.rowsPerSec), target: 'scanRows' },
  { label: 'full scan MiB read', cell: (r) => mib(r.result?.phases?.scan?.readBytes) },
  { label: 'hot get p50 µs (after scan)', cell: (r) => micros(r.result?.phases?.hotAfter?.p50Us) },
  { label: 'hot get p99 µs (after scan)', cell: (r) => micros(r.result?.phases?.hotAfter?.p99Us) },
  { label: 'hot get KiB read/get (after scan)', cell: (r) => kib(r.result?.phases?.hotAfter?.readBytesPerOp) },
  {
    label: 'hot p50 ratio after/before',
    cell: (r) => fixed(r.result?.phases?.hotAfter?.p50Us / r.result?.phases?.hot?.p50Us, 2),
    target: 'hotRatio',
  },
  { label: 'list 100 p50 µs', cell: (r) => micros(r.result?.phases?.list?.p50Us) },
  { label: 'list 100 p99 µs', cell: (r) => micros(r.result?.phases?.list?.p99Us) },
  { label: 'list 100 KiB read/op', cell: (r) => kib(r.result?.phases?.list?.readBytesPerOp), target: 'listReadKiB' },
  { label: 'list_dir 8 p50 µs', cell: (r) => micros(r.result?.phases?.listDir?.p50Us) },
  { label: 'list_dir 8 p99 µs', cell: (r) => micros(r.result?.phases?.listDir?.p99Us) },
  { label: 'list_dir 8 KiB read/op', cell: (r) => kib(r.result?.phases?.listDir?.readBytesPerOp) },
  { label: 'RSS MiB after cold / steady / scan / lists', cell: (r) => ['cold', 'steady', 'scan', 'listDir'].map((p) => fixed(r.result?.phases?.[p]?.memory?.rssMiB, 0)).join(' / ') },
  { label: 'peak RSS MiB (anon / file-backed at end)', cell: (r) => `${fixed(lastMemory(r.result ?? {})?.peakRssMiB, 0)} (${fixed(lastMemory(r.result ?? {})?.anonMiB, 0)} / ${fixed(lastMemory(r.result ?? {})?.fileMiB, 0)})`, target: 'rssBound' },
  { label: 'cgroup peak MiB (limit hits, OOM kills)', cell: (r) => (r.cgroup ? `${fixed(r.cgroup.maxUsageMiB, 0)} (${r.cgroup.failcnt}, ${r.cgroup.oomKills})` : 'no cgroup') },
  { label: 'open ms (KiB read)', cell: (r) => `${fixed(r.result?.open?.ms, 1)} (${kib(r.result?.open?.readBytes)})` },
  { label: 'data on disk MiB', cell: (r) => mib(r.build?.manifest?.diskBytes) },
  { label: 'build s (reused)', cell: (r) => `${fixed(r.build?.manifest?.buildMs / 1000, 0)}${r.build?.reused ? ' (reused)' : ''}` },
  { label: 'answers checked: mismatches', cell: (r) => (r.result?.answers ? String(r.result.answers.mismatches) : '-') },
];

/**
 * @param {EngineRun[]} runs
 * @param {{ cacheMB: number }} options
 * @returns {string[][]}  header first; the last column is Holt's target and whether it is met
 */
export function figureRows(runs, options) {
  const holt = runs.find((r) => r.engine === 'holt');
  const rows = [['', ...runs.map((r) => r.engine + (r.failure ? ` (${r.failure})` : '')), 'Holt target']];
  for (const row of ROWS) {
    const target = TARGETS.find((t) => t.id === row.target);
    let verdict = '';
    if (target) {
      const v = holt?.result ? target.value(holt.result, options) : undefined;
      verdict = `${target.text} ${v === undefined ? '(-)' : target.met(v, options) ? '✓' : '✗'}`;
    }
    rows.push([row.label, ...runs.map((r) => row.cell(r)), verdict]);
  }
  return rows;
}

/**
 * Holt's cache telemetry after each phase (db.stats().durable.cache), for COLD.md.
 * @param {EngineRun | undefined} holt
 * @returns {string[][] | undefined}
 */
export function holtCacheRows(holt) {
  const stats = holt?.result?.engineStats;
  if (!stats || Object.keys(stats).length === 0) return undefined;
  const phases = Object.keys(stats);
  /** @type {Array<[string, (c: any) => string]>} */
  const fields = [
    ['point hits / misses', (c) => `${count(c.point?.hits)} / ${count(c.point?.misses)}`],
    ['scan hits / misses', (c) => `${count(c.scan?.hits)} / ${count(c.scan?.misses)}`],
    ['cold-read probes / page reads / fallbacks', (c) => `${count(c.coldReads?.probes)} / ${count(c.coldReads?.pageReads)} / ${count(c.coldReads?.fallbacks)}`],
    ['page-cache hits', (c) => count(c.coldReads?.pageHits)],
    ['MiB read: point / scan / pages', (c) => `${mib(c.point?.bytesRead)} / ${mib(c.scan?.bytesRead)} / ${mib(c.coldReads?.pageBytesRead)}`],
    ['resident frames / budget', (c) => `${count(c.residentFrames)} / ${count(c.budgetFrames)}`],
    ['pool buffers (overdraft)', (c) => `${count(c.poolBuffers)} (${count(c.overdraftBuffers)})`],
    ['route anchors / demotions', (c) => `${count(c.routeAnchorFrames)} / ${count(c.anchorDemotions)}`],
    ['admission protections', (c) => count(c.admissionProtections)],
    ['evictions', (c) => count(c.evictions)],
    ['rssBytes MiB', (c) => mib(c.rssBytes)],
  ];
  return [['counter (cumulative since open)', ...phases], ...fields.map(([label, cell]) => [label, ...phases.map((p) => (stats[p] ? cell(stats[p]) : '-'))])];
}
