/**
 * holt_stats(): db.stats() flattened to (name VARCHAR, value VARCHAR) rows.
 *
 * Nested objects become dotted names (`durable.walBytes`); per-tree entries
 * are named by tree (`trees.objects.keys`). Values are text so one column can
 * hold numbers, booleans and strings alike: `value::BIGINT` where numeric.
 */
import { DuckDBTableFunction, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import type { DB } from '../api/db.js';
import { sqlErrorMessage } from './errors.js';
import { emitRows, type RowsState } from './rows-table.js';

const FN = 'holt_stats';

export function createHoltStats(db: DB): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: FN,
    bindFunction: (info) => {
      try {
        db.stats();
        info.addResultColumn('name', VARCHAR);
        info.addResultColumn('value', VARCHAR);
      } catch (e) {
        info.setError(sqlErrorMessage(FN, e));
      }
    },
    initFunction: (info) => {
      try {
        const stats = db.stats();
        const rows: DuckDBValue[][] = [];
        rows.push(['trees', String(stats.trees.length)]);
        for (const t of stats.trees) {
          rows.push([`trees.${t.name}.id`, String(t.id)]);
          rows.push([`trees.${t.name}.keys`, String(t.keys)]);
        }
        rows.push(['frames', String(stats.frames)]);
        rows.push(['durable', stats.durable === null ? 'false' : 'true']);
        if (stats.durable !== null) flatten('durable', stats.durable, rows);
        const state: RowsState = { rows, columns: info.getColumnIndexes(), next: 0 };
        info.setInitData(state);
      } catch (e) {
        info.setError(sqlErrorMessage(FN, e));
      }
    },
    mainFunction: (info, out) => emitRows(info, out),
  });
}

function flatten(prefix: string, value: unknown, rows: DuckDBValue[][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}.${k}`, v, rows);
    return;
  }
  if (value === undefined) return;
  rows.push([prefix, value === null ? null : typeof value === 'string' ? value : JSON.stringify(value)]);
}
