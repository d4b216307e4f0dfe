/**
 * Where the `holt` DuckDB extension lies: the committed linux-x64 build of
 * native/duckdb-ext/ (npm run build:duckdb-ext), which any DuckDB client
 * (CLI, Python, Node) loads to read a Holt directory's files natively:
 *
 *   SET allow_unsigned_extensions = true;   -- or the client's config option
 *   LOAD '<holtExtensionPath()>';
 *   SELECT count(*) FROM holt_read('./catalog', 'objects', '');
 *
 * docs/SQL.md describes holt_read and holt_read_trees.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HoltError } from '../errors.js';

/** Platforms with a committed build, as `${process.platform}-${process.arch}`. */
const BUILT_FOR = new Set(['linux-x64']);

/**
 * Absolute path of the extension file for this platform. Throws HoltError
 * NOT_FOUND where no build exists (only linux-x64 is committed).
 */
export function holtExtensionPath(): string {
  const platform = `${process.platform}-${process.arch}`;
  // From src/duckdb/ and dist/duckdb/ alike, the package root is two levels up.
  const path = fileURLToPath(new URL(`../../prebuilds/${platform}/holt.duckdb_extension`, import.meta.url));
  if (!BUILT_FOR.has(platform) || !existsSync(path)) {
    throw new HoltError('NOT_FOUND', `no holt DuckDB extension is built for ${platform} (npm run build:duckdb-ext builds one)`);
  }
  return path;
}
