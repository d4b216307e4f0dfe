/**
 * holt_get(tree VARCHAR, key VARCHAR) -> BLOB: the value under `key`, or NULL
 * when the key is absent or either argument is NULL. An unknown tree is an
 * error (TREE_NOT_FOUND), not NULL, so a typo never reads as "missing".
 */
import { BLOB, DuckDBBlobValue, DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import type { DB } from '../api/db.js';
import type { Tree } from '../api/tree.js';
import { sqlErrorMessage } from './errors.js';

const FN = 'holt_get';

export function createHoltGet(db: DB): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name: FN,
    returnType: BLOB,
    parameterTypes: [VARCHAR, VARCHAR],
    // Reads live data: never constant-fold or cache across calls.
    volatile: true,
    specialHandling: true,
    mainFunction: (info, input, output) => {
      try {
        const trees = new Map<string, Tree>();
        const treeNames = input.getColumnVector(0);
        const keys = input.getColumnVector(1);
        for (let r = 0; r < input.rowCount; r++) {
          const name = treeNames.getItem(r);
          const key = keys.getItem(r);
          if (typeof name !== 'string' || typeof key !== 'string') {
            output.setItem(r, null);
            continue;
          }
          let tree = trees.get(name);
          if (tree === undefined) {
            tree = db.openTree(name);
            trees.set(name, tree);
          }
          const value = tree.get(key);
          output.setItem(r, value === undefined ? null : new DuckDBBlobValue(value));
        }
        output.flush();
      } catch (e) {
        info.setError(sqlErrorMessage(FN, e));
      }
    },
  });
}
