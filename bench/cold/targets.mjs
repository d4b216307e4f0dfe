/**
 * Holt's absolute targets from issue 25 (larger than memory) and issue 15 (buffer manager),
 * printed beside the measured figures; issue 25's targets relative to SQLite (p50 ≤ SQLite's)
 * are read off the table's columns.
 * Each reads one number out of a measurement result; a missing phase gives undefined
 * (shown as "-", never as met).
 */

/**
 * @typedef {object} Target
 * @property {string} id
 * @property {string} label  what is measured
 * @property {string} text  the target as the issue states it
 * @property {(r: any, options: { cacheMB: number }) => number | undefined} value
 * @property {(v: number, options: { cacheMB: number }) => boolean} met
 */

/** @param {number} [x] */
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** @type {Target[]} */
export const TARGETS = [
  {
    id: 'coldReadKiB',
    label: 'read from storage per cold get (issue 25)',
    text: '≤ 12 KiB',
    value: (r) => num(r.phases?.cold?.readBytesPerOp / 1024),
    met: (v) => v <= 12,
  },
  {
    id: 'steadyReadKiB',
    label: 'read from storage per steady get (issue 25)',
    text: '≤ 6 KiB',
    value: (r) => num(r.phases?.steady?.readBytesPerOp / 1024),
    met: (v) => v <= 6,
  },
  {
    id: 'hotP50',
    label: '1% hot set scattered over every frame, p50 (issue 25, at cacheMB 192)',
    text: '≤ 5 µs',
    value: (r) => num(r.phases?.hot?.p50Us),
    met: (v) => v <= 5,
  },
  {
    id: 'hotRangesP50',
    label: '1% hot set of 32 key ranges, p50 (issue 25, at cacheMB 192)',
    text: '≤ 5 µs',
    value: (r) => num(r.phases?.hotRanges?.p50Us),
    met: (v) => v <= 5,
  },
  {
    id: 'hotRatio',
    label: 'hot-set p50 after a full scan / before (issue 15)',
    text: '≤ 1.2',
    value: (r) => num(r.phases?.hotAfter?.p50Us / r.phases?.hot?.p50Us),
    met: (v) => v <= 1.2,
  },
  {
    id: 'scanRows',
    label: 'cold full scan (issue 15)',
    text: '≥ 1M rows/s',
    value: (r) => num(r.phases?.scan?.rowsPerSec),
    met: (v) => v >= 1e6,
  },
  {
    id: 'listReadKiB',
    label: 'read from storage per cold list of 100 (issue 25)',
    text: '≤ 24 KiB',
    value: (r) => num(r.phases?.list?.readBytesPerOp / 1024),
    met: (v) => v <= 24,
  },
  {
    id: 'rssBound',
    label: 'peak RSS (item 1: cacheMB + a fixed overhead under 100 MiB)',
    text: '≤ cacheMB + 100 MiB',
    value: (r) => num(r.memoryAtEnd?.peakRssMiB ?? lastMemory(r)?.peakRssMiB),
    met: (v, { cacheMB }) => v <= cacheMB + 100,
  },
];

/**
 * The latest memory sample of a result (the last phase that finished).
 * @param {any} r
 * @returns {import('./proc-stats.mjs').MemorySample | undefined}
 */
export function lastMemory(r) {
  const phases = Object.values(r.phases ?? {});
  return phases.length > 0 ? /** @type {any} */ (phases[phases.length - 1]).memory : r.open?.memory;
}
