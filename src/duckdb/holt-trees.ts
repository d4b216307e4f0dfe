/**
 * holt_trees(): one row per live tree.
 *   name VARCHAR, id INTEGER, keys BIGINT, frames BIGINT
 *
 * `frames` is counted by walking the tree (Tree.verify), so it costs a full
 * pass; thanks to projection pushdown it is only computed when selected.
 */
import { BIGINT, DuckDBTableFunction, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import type { DB } from '../api/db.js';
import { sqlErrorMessage } from './errors.js';
import { emitRows, type RowsState } from './rows-table.js';

const FN = 'holt_trees';
const COL_FRAMES = 3;

export function createHoltTrees(db: DB): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: FN,
    supportsProjectionPushdown: true,
    bindFunction: (info) => {
      try {
        info.setCardinality(db.listTrees().length, true);
        info.addResultColumn('name', VARCHAR);
        info.addResultColumn('id', INTEGER);
        info.addResultColumn('keys', BIGINT);
        info.addResultColumn('frames', BIGINT);
      } catch (e) {
        info.setError(sqlErrorMessage(FN, e));
      }
    },
    initFunction: (info) => {
      try {
        const columns = info.getColumnIndexes();
        const withFrames = columns.includes(COL_FRAMES);
        const rows: DuckDBValue[][] = db.listTrees().map((t) => [
          t.name, t.id, BigInt(t.keys), withFrames ? BigInt(db.openTree(t.name).verify().frames) : null,
        ]);
        const state: RowsState = { rows, columns, next: 0 };
        info.setInitData(state);
      } catch (e) {
        info.setError(sqlErrorMessage(FN, e));
      }
    },
    mainFunction: (info, out) => emitRows(info, out),
  });
}
