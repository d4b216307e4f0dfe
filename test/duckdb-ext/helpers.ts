/**
 * The extension under test: a real DuckDB (@duckdb/node-api) that LOADs the
 * committed build, and the rows of a holt_read call next to the rows the TS
 * engine's read-only open lists for the same arguments, both as one string
 * per row so a difference shows which row and which column.
 */
import { DuckDBBlobValue, DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DB } from '../../src/index.js';
import { holtExtensionPath } from '../../src/duckdb/index.js';
import type { ScanOptions } from '../../src/api/types.js';

export interface Ext {
  connection: DuckDBConnection;
  close(): void;
}

/** A DuckDB with the extension loaded; `threads` when the test needs more worker threads than the machine's cores. */
export async function openExt(threads?: number): Promise<Ext> {
  const options: Record<string, string> = { allow_unsigned_extensions: 'true' };
  if (threads !== undefined) options['threads'] = String(threads);
  const instance = await DuckDBInstance.create(':memory:', options);
  const connection = await instance.connect();
  await connection.run(`LOAD ${sqlString(holtExtensionPath())}`);
  return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface ReadArgs {
  prefix: string;
  startAfter?: string;
  delimiter?: string;
  maxKeys?: number;
  reverse?: boolean;
  keysOnly?: boolean;
}

function hex(b: Uint8Array | null | undefined): string {
  return b === null || b === undefined ? 'NULL' : Buffer.from(b).toString('hex');
}

/** One row as text: kind, key bytes, value bytes, version, key text. */
function rowText(isPrefix: boolean, key: Uint8Array, value: Uint8Array | null | undefined, version: bigint | number | null | undefined, text: string): string {
  return `${isPrefix ? 'P' : 'K'} ${hex(key)} ${hex(value)} ${version === null || version === undefined ? 'NULL' : String(version)} ${JSON.stringify(text)}`;
}

export function holtReadSql(dir: string, tree: string, a: ReadArgs, columns = 'key, key_bytes, value, version, is_prefix'): string {
  const named: string[] = [];
  if (a.startAfter !== undefined) named.push(`start_after := ${sqlString(a.startAfter)}`);
  if (a.delimiter !== undefined) named.push(`delimiter := ${sqlString(a.delimiter)}`);
  if (a.maxKeys !== undefined) named.push(`max_keys := ${a.maxKeys}`);
  if (a.reverse !== undefined) named.push(`reverse := ${a.reverse}`);
  if (a.keysOnly !== undefined) named.push(`keys_only := ${a.keysOnly}`);
  return `SELECT ${columns} FROM holt_read(${[sqlString(dir), sqlString(tree), sqlString(a.prefix), ...named].join(', ')})`;
}

/** holt_read's rows through DuckDB. */
export async function extRows(ext: Ext, dir: string, tree: string, a: ReadArgs): Promise<string[]> {
  const reader = await ext.connection.runAndReadAll(holtReadSql(dir, tree, a));
  return reader.getRows().map((r) => {
    const [key, keyBytes, value, version, isPrefix] = r as [string, DuckDBBlobValue, DuckDBBlobValue | null, bigint | null, boolean];
    return rowText(isPrefix, keyBytes.bytes, value?.bytes ?? null, version, key);
  });
}

/** The same listing from the TS engine (`db` opened read-only on the directory). */
export function tsRows(db: DB, tree: string, a: ReadArgs): string[] {
  const o: ScanOptions = { prefix: Buffer.from(a.prefix, 'utf8') };
  if (a.startAfter !== undefined) o.startAfter = Buffer.from(a.startAfter, 'utf8');
  if (a.delimiter !== undefined && a.delimiter !== '') o.delimiter = a.delimiter;
  if (a.maxKeys !== undefined) o.limit = a.maxKeys;
  if (a.reverse === true) o.reverse = true;
  if (a.keysOnly === true) o.keysOnly = true;
  const out: string[] = [];
  for (const e of db.openTree(tree).scan(o)) {
    const key = e.key as Buffer;
    if (e.kind === 'prefix') out.push(rowText(true, key, null, null, key.toString('utf8')));
    else out.push(rowText(false, key, a.keysOnly === true ? null : (e.value as Buffer), e.version, key.toString('utf8')));
  }
  return out;
}

/** Every combination of the scan arguments worth comparing for a tree whose keys include `sample`. */
export function argCombos(sample: readonly Buffer[]): ReadArgs[] {
  const prefixes = new Set<string>(['']);
  const afters = new Set<string>();
  for (const k of sample) {
    const text = k.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(k)) continue; // VARCHAR arguments are UTF-8
    const slash = text.indexOf('/');
    if (slash > 0) prefixes.add(text.slice(0, slash + 1));
    if (text.length > 2) prefixes.add(text.slice(0, 2));
    afters.add(text);
    if (slash > 0) afters.add(text.slice(0, slash + 1));
  }
  const out: ReadArgs[] = [];
  for (const prefix of [...prefixes].slice(0, 3)) {
    for (const delimiter of [undefined, '/']) {
      for (const reverse of [false, true]) {
        for (const startAfter of [undefined, ...[...afters].slice(0, 2)]) {
          for (const maxKeys of [undefined, 5]) {
            out.push({ prefix, delimiter, reverse, startAfter, maxKeys, keysOnly: maxKeys === 5 });
          }
        }
      }
    }
  }
  return out;
}
