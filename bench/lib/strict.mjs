/**
 * The strict regime's tables (`--gc-between-reps`): ns/op with ratios against Holt, the
 * issue-26 check (Holt at least 3x faster than lmdb and better-sqlite3 on the hot ops), and
 * the bytes each op allocates on the JS heap, for the console and for RESULTS.md alike.
 */

import { enginesOf, formatNs, formatRatio } from './format.mjs';
import { BASE_SIZE } from './plan.mjs';
import { FACTOR_PEERS, PEER_FACTOR } from './issue-targets.mjs';

/** The hot ops issue 26 holds to PEER_FACTOR against FACTOR_PEERS. */
export const STRICT_OPS = ['get', 'put', 'list', 'list_dir_8', 'metadata_mix'];

/** @param {number | undefined} bytes */
export const formatBytes = (bytes) => (bytes === undefined ? '-' : bytes < 10 ? bytes.toFixed(1) : Math.round(bytes).toLocaleString('en-US'));

/**
 * Cells of one workload in the strict regime (memory mode, base size).
 * @param {any} results
 * @param {string} workload
 * @returns {import('./analyze.mjs').Comparison[]}
 */
export function strictCells(results, workload) {
  return (results.strict?.comparisons ?? []).filter((/** @type {any} */ c) => c.workload === workload && c.size === BASE_SIZE);
}

/**
 * ns/op per engine with each peer's ratio, then the smaller of the ratios against
 * FACTOR_PEERS and whether it reaches PEER_FACTOR. First row is the header.
 * @param {import('./analyze.mjs').Comparison[]} cells
 * @returns {string[][]}
 */
export function strictTimeRows(cells) {
  const engines = enginesOf(cells);
  const holtEngine = cells[0]?.holtEngine;
  const head = ['op'];
  for (const e of engines) head.push(e, ...(e === holtEngine ? [] : ['ratio']));
  head.push(`min ratio vs ${FACTOR_PEERS.join(', ')}`, `≥ ${PEER_FACTOR}x`);
  const rows = [head];
  for (const c of cells) {
    const row = [c.op];
    for (const e of engines) {
      if (e === holtEngine) {
        row.push(c.holt ? formatNs(c.holt.median) : '-');
        continue;
      }
      const p = c.peers[e];
      row.push(p ? formatNs(p.median) : '-', p ? formatRatio(p.ratio) : '-');
    }
    const ratios = FACTOR_PEERS.map((p) => c.peers[p]?.ratio).filter((r) => typeof r === 'number');
    const min = ratios.length === FACTOR_PEERS.length ? Math.min(.../** @type {number[]} */ (ratios)) : null;
    row.push(formatRatio(min), min === null ? '-' : min >= PEER_FACTOR ? 'yes' : 'no');
    rows.push(row);
  }
  return rows;
}

/**
 * Bytes allocated on the JS heap per op, per engine (native engines' own malloc is not
 * counted). First row is the header.
 * @param {import('./analyze.mjs').Comparison[]} cells
 * @returns {string[][]}
 */
export function strictAllocRows(cells) {
  const engines = enginesOf(cells);
  const holtEngine = cells[0]?.holtEngine;
  const rows = [['op', ...engines]];
  for (const c of cells) {
    rows.push([c.op, ...engines.map((e) => formatBytes(e === holtEngine ? c.holt?.allocatedBytesPerOp : c.peers[e]?.allocatedBytesPerOp))]);
  }
  return rows;
}

/**
 * A plain-text table (console).
 * @param {string[][]} rows first row is the header
 */
export function textTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ cols) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
