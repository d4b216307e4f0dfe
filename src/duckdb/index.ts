/**
 * holt/duckdb: query Holt trees from DuckDB.
 *
 *   import { DuckDBInstance } from '@duckdb/node-api';
 *   import { DB } from 'holt';
 *   import { registerHolt } from 'holt/duckdb';
 *
 *   const connection = await (await DuckDBInstance.create()).connect();
 *   await registerHolt(connection, db);
 *   await connection.runAndReadAll("SELECT key FROM holt_scan('objects', 'bucket-01/')");
 *
 * Registers holt_scan, holt_trees, holt_stats, holt_get and the macros in
 * `sql/` on that connection (docs/SQL.md describes each). `holtExtensionPath()`
 * names the native `holt` extension, which any DuckDB client can LOAD to read
 * a directory's files without this process (holt_read, holt_read_trees). Functions are bound
 * to `db` for the connection's lifetime; closing the DB makes later queries
 * fail with a CLOSED error rather than crash.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DB } from '../api/db.js';
import { describe, invalidArgument } from '../errors.js';
import { createHoltGet } from './holt-get.js';
import { createHoltScan } from './holt-scan.js';
import { createHoltStats } from './holt-stats.js';
import { createHoltTrees } from './holt-trees.js';
import { installMacros } from './macros.js';
import { checkRegisterOptions, type RegisterHoltOptions } from './options.js';

export type { RegisterHoltOptions, ScanEvent, ScanObserver } from './options.js';
export { holtExtensionPath } from './extension-path.js';

/**
 * Register Holt's SQL functions and macros on `connection`, bound to `db`.
 * Rejects with HoltError INVALID_ARGUMENT, before registering anything, when
 * `connection` is not a DuckDBConnection, `db` not a DB, or `options` not a
 * RegisterHoltOptions.
 */
export async function registerHolt(connection: DuckDBConnection, db: DB, options?: RegisterHoltOptions): Promise<void> {
  if (!isConnection(connection)) throw invalidArgument(`registerHolt needs a DuckDBConnection, got ${describe(connection)}`);
  if (!(db instanceof DB)) throw invalidArgument(`registerHolt needs a DB, got ${describe(db)}`);
  const o = checkRegisterOptions(options);
  connection.registerTableFunction(createHoltScan(db, o.onScan));
  connection.registerTableFunction(createHoltTrees(db));
  connection.registerTableFunction(createHoltStats(db));
  connection.registerScalarFunction(createHoltGet(db));
  if (o.macros !== false) await installMacros(connection);
}

/**
 * Structural, not instanceof: an application may load its own copy of
 * @duckdb/node-api next to the one this package resolves.
 */
function isConnection(c: unknown): c is DuckDBConnection {
  const conn = c as Partial<DuckDBConnection> | null;
  return typeof conn === 'object' && conn !== null && typeof conn.registerTableFunction === 'function'
    && typeof conn.registerScalarFunction === 'function' && typeof conn.run === 'function';
}
