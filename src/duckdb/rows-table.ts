/**
 * Emitting a small, already computed table (holt_trees, holt_stats) through
 * node-api's ordinary vector setters. These tables have a row per tree or per
 * counter, so clarity wins over the fast path used by holt_scan.
 */
import type { DuckDBDataChunk, DuckDBTableFunctionInfo, DuckDBValue } from '@duckdb/node-api';
import { CHUNK_ROWS } from './column-writer.js';

export interface RowsState {
  /** Full rows, one value per bound column. */
  rows: DuckDBValue[][];
  /** Projected bound column indexes, in output order. */
  columns: number[];
  next: number;
}

export function emitRows(info: DuckDBTableFunctionInfo, out: DuckDBDataChunk): void {
  const state = info.initData as RowsState;
  const count = Math.min(CHUNK_ROWS, state.rows.length - state.next);
  out.rowCount = count;
  state.columns.forEach((bound, c) => {
    const vector = out.getColumnVector(c);
    for (let r = 0; r < count; r++) vector.setItem(r, state.rows[state.next + r]![bound]!);
    vector.flush();
  });
  state.next += count;
}
