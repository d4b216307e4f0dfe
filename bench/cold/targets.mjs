/**
 * Holt's targets from issue 15 ("Buffer manager"), printed beside the measured figures.
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
    label: 'read from storage per cold get',
    text: '≤ 32 KiB',
    value: (r) => num(r.phases?.cold?.readBytesPerOp / 1024),
    met: (v) => v <= 32,
  },
  {
    id: 'coldP50',
    label: 'cold get p50',
    text: '≤ 150 µs',
    value: (r) => num(r.phases?.cold?.p50Us),
    met: (v) => v <= 150,
  },
  {
    id: 'steadyP50',
    label: 'steady uniform get p50',
    text: '≤ 100 µs',
    value: (r) => num(r.phases?.steady?.p50Us),
    met: (v) => v <= 100,
  },
  {
    id: 'hotRatio',
    label: 'hot-set p50 after a full scan / before',
    text: '≤ 1.2',
    value: (r) => num(r.phases?.hotAfter?.p50Us / r.phases?.hot?.p50Us),
    met: (v) => v <= 1.2,
  },
  {
    id: 'scanRows',
    label: 'cold full scan',
    text: '≥ 1M rows/s',
    value: (r) => num(r.phases?.scan?.rowsPerSec),
    met: (v) => v >= 1e6,
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
