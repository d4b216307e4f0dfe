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
 * `sql/` on that connection (docs/SQL.md describes each). Functions are bound
 * to `db` for the connection's lifetime; closing the DB makes later queries
 * fail with a CLOSED error rather than crash.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DB } from '../api/db.js';
import { createHoltGet } from './holt-get.js';
import { createHoltScan } from './holt-scan.js';
import { createHoltStats } from './holt-stats.js';
import { createHoltTrees } from './holt-trees.js';
import { installMacros } from './macros.js';
import type { RegisterHoltOptions } from './options.js';

export type { RegisterHoltOptions, ScanEvent, ScanObserver } from './options.js';

export async function registerHolt(connection: DuckDBConnection, db: DB, options: RegisterHoltOptions = {}): Promise<void> {
  connection.registerTableFunction(createHoltScan(db, options.onScan));
  connection.registerTableFunction(createHoltTrees(db));
  connection.registerTableFunction(createHoltStats(db));
  connection.registerScalarFunction(createHoltGet(db));
  if (options.macros !== false) await installMacros(connection);
}
