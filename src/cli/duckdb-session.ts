/**
 * A DuckDB connection with the Holt bridge registered and the native `holt`
 * extension loaded, for `holt sql` and `holt export --format parquet`. @duckdb/node-api is an optional peer
 * dependency, so it is imported only when one of those commands runs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DB } from '../index.js';
import { CliError } from './command.js';

export async function withDuckDB<T>(db: DB, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  let api: typeof import('@duckdb/node-api');
  let bridge: typeof import('../duckdb/index.js');
  try {
    api = await import('@duckdb/node-api');
    bridge = await import('../duckdb/index.js');
  } catch {
    throw new CliError('this command needs DuckDB: npm install @duckdb/node-api');
  }
  const instance = await api.DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
  const connection = await instance.connect();
  try {
    await bridge.registerHolt(connection, db);
    await loadExtension(connection, bridge.holtExtensionPath);
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The native extension too (holt_read, holt_read_trees: files read directly),
 * where a build exists for this platform; elsewhere the bridge alone.
 */
async function loadExtension(connection: DuckDBConnection, path: () => string): Promise<void> {
  let file: string;
  try {
    file = path();
  } catch {
    return;
  }
  await connection.run(`LOAD ${sqlString(file)}`);
}

/** DuckDB errors carry the failing SQL's caret lines; the CLI shows the first line. */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
