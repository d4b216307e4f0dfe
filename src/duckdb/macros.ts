/**
 * The SQL macros shipped in `sql/` (one CREATE MACRO per file, applied in file
 * name order). They are plain DuckDB SQL over holt_scan/holt_get, so users can
 * read them, copy them, or install their own next to them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';

/** `sql/` at the package root: two levels up from both src/duckdb and dist/duckdb. */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export function macroFiles(): string[] {
  return readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort();
}

export async function installMacros(connection: DuckDBConnection): Promise<void> {
  for (const file of macroFiles()) {
    await connection.run(readFileSync(SQL_DIR + file, 'utf8'));
  }
}
