/**
 * The figures of `npm run bench:scale` as table rows: one column per (size, build), so a
 * before/after comparison and the growth with size read across one row.
 */

/** @param {number | undefined} x @param {number} digits */
const fixed = (x, digits) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
/** @param {number | undefined} us */
const micros = (us) => (us === undefined || !Number.isFinite(us) ? '-' : us >= 100 ? Math.round(us).toLocaleString('en-US') : us.toFixed(1));
/** @param {number | undefined} bytes */
const kib = (bytes) => (bytes === undefined || !Number.isFinite(bytes) ? '-' : (bytes / 1024).toFixed(bytes < 10 * 1024 ? 2 : 1));
/** @param {number | undefined} n */
const count = (n) => (n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US'));
/** @param {any} p a phase */
const getCell = (p) => (p ? `${micros(p.p50Us)} (${kib(p.readBytesPerOp)} KiB)` : '-');

/** Cache counters after the last point-read phase that ran. */
const lastCache = (/** @type {any} */ r) => {
  const s = r.result?.engineStats ?? {};
  return s.hotRanges ?? s.hot ?? s.steady ?? s.cold;
};

/** @type {Array<[string, (r: any) => string]>} */
const ROWS = [
  ['load puts/s (sync loop)', (r) => count(r.load?.putsPerSec)],
  ['load peak RSS MiB', (r) => fixed(r.load?.peakRssMiB, 0)],
  ['data on disk MiB', (r) => fixed(r.load?.diskBytes / 2 ** 20, 0)],
  ['cold get p50 µs (KiB read/get)', (r) => getCell(r.result?.phases?.cold)],
  ['steady get p50 µs (KiB read/get)', (r) => getCell(r.result?.phases?.steady)],
  ['hot get p50 µs (KiB read/get)', (r) => getCell(r.result?.phases?.hot)],
  ['hot ranges get p50 µs (KiB read/get)', (r) => getCell(r.result?.phases?.hotRanges)],
  ['hot ranges warm-up KiB/get per pass', (r) => (r.result?.phases?.hotRanges?.warmPassBytesPerGet ?? []).map((/** @type {number} */ b) => kib(b)).join(' → ') || '-'],
  ['full scan rows/s', (r) => count(r.result?.phases?.scan?.rowsPerSec)],
  ['hot get p50 µs after scan', (r) => micros(r.result?.phases?.hotAfter?.p50Us)],
  ['list 100 p50 µs (KiB read)', (r) => getCell(r.result?.phases?.list)],
  ['list_dir 8 p50 µs', (r) => micros(r.result?.phases?.listDir?.p50Us)],
  ['measure peak RSS MiB / cgroup peak MiB', (r) => {
    const phases = Object.values(r.result?.phases ?? {});
    const peak = Math.max(...phases.map((/** @type {any} */ p) => p.memory?.peakRssMiB ?? 0));
    return `${fixed(peak, 0)} / ${fixed(r.cgroup?.maxUsageMiB, 0)}`;
  }],
  ['cache: resident frames / budget', (r) => `${count(lastCache(r)?.residentFrames)} / ${count(lastCache(r)?.budgetFrames)}`],
  ['cache: routing frames / anchors', (r) => `${count(lastCache(r)?.routeAnchorFrames)} / ${count(lastCache(r)?.anchorFrames)}`],
  ['cache: pages resident', (r) => count(lastCache(r)?.pageCacheResident)],
  ['cache: evictions / admission protections', (r) => `${count(lastCache(r)?.evictions)} / ${count(lastCache(r)?.admissionProtections)}`],
  ['cache: page hits / page reads', (r) => `${count(lastCache(r)?.coldReads?.pageHits)} / ${count(lastCache(r)?.coldReads?.pageReads)}`],
  ['answers checked: mismatches', (r) => (r.result?.answers ? String(r.result.answers.mismatches) : '-')],
];

/**
 * @param {any[]} runs  run.mjs's runs: { keys, dist, load, result, cgroup, failure }
 * @returns {string[][]}
 */
export function scaleRows(runs) {
  const header = ['', ...runs.map((r) => `${r.keys >= 1e6 ? `${r.keys / 1e6}M` : r.keys.toLocaleString('en-US')} ${r.dist}${r.failure ? ` (${r.failure})` : ''}`)];
  return [header, ...ROWS.map(([label, cell]) => [label, ...runs.map((r) => cell(r))])];
}
