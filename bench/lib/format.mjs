/** Number formatting and the console table. */

import { ENGINE_NAMES } from '../adapters/index.mjs';

/** @param {number} ns */
export function formatNs(ns) {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 100) return ns.toFixed(1);
  return Math.round(ns).toLocaleString('en-US');
}

/** @param {number | null | undefined} ratio */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined) return '-';
  return ratio >= 10 ? `${ratio.toFixed(0)}x` : `${ratio.toFixed(2)}x`;
}

/**
 * Half the p10-p90 spread as a percentage of the median.
 * @param {{ median: number, p10: number, p90: number }} s
 */
export function formatSpread(s) {
  return `±${Math.round((50 * (s.p90 - s.p10)) / s.median)}%`;
}

/** @param {number} size */
export function formatSize(size) {
  return size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
}

/**
 * Engines of a comparison group in report order, Holt first.
 * @param {import('./analyze.mjs').Comparison[]} cells
 */
export function enginesOf(cells) {
  const present = new Set();
  for (const c of cells) {
    if (c.holt) present.add(c.holtEngine);
    for (const p of Object.keys(c.peers)) present.add(p);
  }
  return ENGINE_NAMES.filter((e) => present.has(e));
}

/**
 * Plain-text table: one row per op, ns/op per engine, each peer followed by its ratio.
 * @param {string} title
 * @param {import('./analyze.mjs').Comparison[]} cells  one group (workload, mode, size)
 * @param {Record<string, string>} [memory]  engine -> memory after load, shown as a last row
 * @returns {string}
 */
export function consoleTable(title, cells, memory) {
  const engines = enginesOf(cells);
  const holtEngine = cells[0]?.holtEngine;
  const header = ['op', ...engines.map((e) => (e === holtEngine ? `${e} ns/op` : `${e} ns/op (ratio)`))];
  const rows = cells.map((c) => [
    c.op,
    ...engines.map((e) => {
      if (e === holtEngine) return c.holt ? formatNs(c.holt.median) : '-';
      const p = c.peers[e];
      if (!p) return '-';
      return p.ratio === null ? formatNs(p.median) : `${formatNs(p.median)} (${formatRatio(p.ratio)})`;
    }),
  ]);
  if (memory) rows.push(['rss/heap MiB', ...engines.map((e) => memory[e] ?? '-')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ cols) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The classic-level / holt-level table at one size: a header row, then one row per
 * workload, mode and op (ns/op of each, and the ratio).
 * @param {import('./analyze.mjs').LevelComparison[]} level
 * @param {number} size
 * @returns {string[][]}
 */
export function levelRows(level, size) {
  const rows = [['workload', 'mode', 'op', 'classic-level', 'holt-level', 'ratio']];
  for (const c of level.filter((l) => l.size === size)) {
    rows.push([c.workload, c.mode, c.op, formatNs(c.classicLevel.median), formatNs(c.holtLevel.median), formatRatio(c.ratio)]);
  }
  return rows;
}

/**
 * "RSS / heap" MiB after load of each engine's run in one group.
 * @param {Array<{ engine: string, workload: string, mode: string, size: number, memory?: Record<string, number> }>} runs
 * @param {string} workload
 * @param {string} mode
 * @param {number} size
 * @returns {Record<string, string>}
 */
export function memoryCells(runs, workload, mode, size) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const r of runs) {
    if (r.memory && r.workload === workload && r.mode === mode && r.size === size) {
      out[r.engine] = `${Math.round(r.memory.rssMiB)} / ${Math.round(r.memory.heapUsedMiB)}`;
    }
  }
  return out;
}
