/**
 * Every public entry point of `holt/duckdb` with wrong arguments: `registerHolt`
 * must reject with HoltError INVALID_ARGUMENT and register nothing; each SQL
 * function and macro it installs must fail with an SQL error carrying Holt's
 * code (or, for an argument of the wrong SQL type, DuckDB's own binder or
 * conversion error: DuckDB checks SQL types before Holt sees a value). Stored
 * data stays as it was, on DB.memory() and on a file DB.
 *
 * The coverage test lists the module's exports and the `holt*` functions
 * registered in DuckDB's catalog, and fails on one without a row or a row
 * whose parameters differ from the registered ones.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, HoltError, MAX_KEY_BYTES } from '../../src/index.js';
import * as bridge from '../../src/duckdb/index.js';
import { registerHolt } from '../../src/duckdb/index.js';
import { dump } from '../durability/helpers.js';
import { tempDir } from '../support/temp-dir.js';
import { parameterCount } from '../support/public-surface.js';
import {
  ARRAYS, BOOLEANS, NOT_FUNCTION, NOT_OPTIONS, NULL, NUMBERS, OBJECTS, STRINGS, SYMBOL, UNDEFINED, asField, except, type Wrong,
} from '../support/wrong-values.js';

/** DuckDB refused the SQL types before the call reached Holt. */
const SQL_TYPE_ERROR = /No function matches|Could not convert|Conversion Error|Failed to cast/;

type Expect = 'INVALID_ARGUMENT' | 'KEY_TOO_LARGE' | 'SQL type';

/** Per SQL function: its parameters as DuckDB lists them, and wrong calls with what each must give. */
const SQL_ROWS: Record<string, { params: string[]; wrong: Array<[sql: string, expect: Expect]> }> = {
  holt_scan: {
    params: ['col0', 'col1', 'delimiter', 'keys_only', 'max_keys', 'reverse', 'start_after'],
    wrong: [
      ["holt_scan(NULL, '')", 'INVALID_ARGUMENT'],
      ["holt_scan('', '')", 'INVALID_ARGUMENT'],
      ["holt_scan(repeat('x', 256), '')", 'INVALID_ARGUMENT'],
      ["holt_scan(42, '')", 'SQL type'],
      ["holt_scan('t', NULL)", 'INVALID_ARGUMENT'],
      [`holt_scan('t', repeat('x', ${MAX_KEY_BYTES + 1}))`, 'KEY_TOO_LARGE'],
      ["holt_scan('t', 42)", 'SQL type'],
      ["holt_scan('t', '', max_keys := -1)", 'INVALID_ARGUMENT'],
      ["holt_scan('t', '', max_keys := 9007199254740993)", 'INVALID_ARGUMENT'],
      ["holt_scan('t', '', max_keys := 'x')", 'SQL type'],
      ["holt_scan('t', '', delimiter := 'ab')", 'INVALID_ARGUMENT'],
      ["holt_scan('t', '', delimiter := '\u00e9')", 'INVALID_ARGUMENT'],
      [`holt_scan('t', '', start_after := repeat('x', ${MAX_KEY_BYTES + 1}))`, 'KEY_TOO_LARGE'],
      ["holt_scan('t', '', keys_only := 'maybe')", 'SQL type'],
      ["holt_scan('t', '', reverse := 'maybe')", 'SQL type'],
    ],
  },
  holt_get: {
    params: ['col0', 'col1'],
    wrong: [
      ["holt_get('', 'k')", 'INVALID_ARGUMENT'],
      ["holt_get('t', '')", 'INVALID_ARGUMENT'],
      [`holt_get('t', repeat('x', ${MAX_KEY_BYTES + 1}))`, 'KEY_TOO_LARGE'],
      ["holt_get(42, 'k')", 'SQL type'],
    ],
  },
  holt_get_json: {
    params: ['tree', 'key'],
    wrong: [["holt_get_json('', 'k')", 'INVALID_ARGUMENT'], ["holt_get_json('t', '')", 'INVALID_ARGUMENT']],
  },
  holt_ls: {
    params: ['tree', 'prefix'],
    wrong: [["holt_ls(NULL, '')", 'INVALID_ARGUMENT'], ["holt_ls('t', NULL)", 'INVALID_ARGUMENT'], [`holt_ls('t', repeat('x', ${MAX_KEY_BYTES + 1}))`, 'KEY_TOO_LARGE']],
  },
  holt_json: {
    params: ['tree', 'prefix'],
    wrong: [["holt_json(NULL, '')", 'INVALID_ARGUMENT'], ["holt_json('t', NULL)", 'INVALID_ARGUMENT']],
  },
  holt_du: {
    params: ['tree', 'prefix', 'depth'],
    wrong: [["holt_du(NULL, '', 1)", 'INVALID_ARGUMENT'], ["holt_du('t', NULL, 1)", 'INVALID_ARGUMENT'], ["holt_du('t', '', 'x')", 'SQL type']],
  },
  holt_trees: { params: [], wrong: [['holt_trees(1)', 'SQL type']] },
  holt_stats: { params: [], wrong: [["holt_stats('x')", 'SQL type']] },
};

/** Scalar functions and macros are selected; table functions and table macros are read FROM. */
const SCALAR = new Set(['holt_get', 'holt_get_json']);

interface Ctx {
  db: DB;
  connection: DuckDBConnection;
  /** A connection of another instance on which registerHolt never succeeds. */
  probe: DuckDBConnection;
  probeInstance: DuckDBInstance;
}

const BOOLEAN_FIELD: Wrong[] = [...NUMBERS, NULL, SYMBOL, ...STRINGS, ...OBJECTS, ...ARRAYS];
const NOT_A_CONNECTION: Wrong[] = [...NOT_OPTIONS, UNDEFINED, ...OBJECTS, ['a DuckDBInstance', 'INSTANCE'], ['a DB', 'DB']];
const NOT_A_DB: Wrong[] = [...NOT_OPTIONS, UNDEFINED, ...OBJECTS, ['a Tree', 'TREE'], ['a DuckDBConnection', 'CONNECTION']];
const REGISTER_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS, ...asField('macros', BOOLEAN_FIELD), ...asField('onScan', except(NOT_FUNCTION, 'undefined')),
  ['{ macro: false }', { macro: false }], ['{ onscan: () => {} }', { onscan: () => {} }],
];

/** registerHolt's parameters: a valid value and the wrong ones (strings name values only a context has). */
const REGISTER_PARAMS: Array<{ name: string; valid: string; wrong: Wrong[] }> = [
  { name: 'connection', valid: 'PROBE', wrong: NOT_A_CONNECTION },
  { name: 'db', valid: 'DB', wrong: NOT_A_DB },
  { name: 'options', valid: 'OPTIONS', wrong: REGISTER_OPTIONS },
];

function resolve(c: Ctx, v: unknown): unknown {
  switch (v) {
    case 'PROBE': return c.probe;
    case 'INSTANCE': return c.probeInstance;
    case 'DB': return c.db;
    case 'TREE': return c.db.openTree('t');
    case 'CONNECTION': return c.connection;
    case 'OPTIONS': return {};
    default: return v;
  }
}

function snapshot(db: DB): string {
  return JSON.stringify([db.listTrees(), dump(db)]);
}

async function holtFunctions(connection: DuckDBConnection): Promise<Array<{ name: string; params: string[] }>> {
  const rows = (await connection.runAndReadAll(
    "SELECT DISTINCT function_name AS name, parameters AS params FROM duckdb_functions() WHERE function_name LIKE 'holt%' ORDER BY 1",
  )).getRowObjectsJson() as Array<{ name: string; params: string[] }>;
  return rows;
}

const contexts = [
  { kind: 'DB.memory()', open: (_dir: string) => DB.memory() },
  { kind: 'DB.open(dir)', open: (dir: string) => DB.open(dir) },
];

describe.each(contexts)('wrong arguments to holt/duckdb on $kind', ({ open }) => {
  const c = {} as Ctx;
  let instance: DuckDBInstance;
  let before: string;
  let cleanup: () => void;

  beforeAll(async () => {
    const d = tempDir('bad-input-duckdb');
    cleanup = d.cleanup;
    c.db = open(d.dir);
    const t = c.db.tree('t');
    t.put('k', '{"a":1}');
    t.put('d/e', 'x');
    c.db.tree('u').put('k', 'other');
    instance = await DuckDBInstance.create(':memory:');
    c.connection = await instance.connect();
    await registerHolt(c.connection, c.db);
    c.probeInstance = await DuckDBInstance.create(':memory:');
    c.probe = await c.probeInstance.connect();
    before = snapshot(c.db);
  });

  afterAll(async () => {
    c.connection.closeSync();
    instance.closeSync();
    c.probe.closeSync();
    c.probeInstance.closeSync();
    await c.db.close();
    cleanup();
  });

  it('every export and every registered SQL function has a row matching its parameters', async () => {
    expect(Object.keys(bridge).sort()).toEqual(['holtExtensionPath', 'registerHolt']);
    // holtExtensionPath takes no arguments: nothing to get wrong (test/duckdb-ext/ covers it).
    expect(parameterCount(bridge.holtExtensionPath)).toBe(0);
    expect(parameterCount(registerHolt)).toBe(REGISTER_PARAMS.length);
    const fns = await holtFunctions(c.connection);
    expect(fns.map((f) => f.name).sort()).toEqual(Object.keys(SQL_ROWS).sort());
    for (const f of fns) expect([...f.params].sort(), f.name).toEqual([...SQL_ROWS[f.name]!.params].sort());
  });

  it.each(REGISTER_PARAMS.map((param, i) => [param.name, i] as const))('registerHolt: wrong %s rejects with INVALID_ARGUMENT and registers nothing', async (_name, i) => {
    for (const [label, wrong] of REGISTER_PARAMS[i]!.wrong) {
      const args = REGISTER_PARAMS.map((q, j) => resolve(c, j === i ? wrong : q.valid));
      const what = `registerHolt: ${REGISTER_PARAMS[i]!.name} = ${label}`;
      let error: unknown;
      let threwSync = false;
      try {
        await (registerHolt as (...a: unknown[]) => Promise<void>)(...args).catch((e: unknown) => { error = e; });
      } catch (e) {
        threwSync = true;
        error = e;
      }
      expect(threwSync, `${what} threw instead of rejecting`).toBe(false);
      expect(error, `${what} did not reject with a HoltError`).toBeInstanceOf(HoltError);
      expect((error as HoltError).code, what).toBe('INVALID_ARGUMENT');
      expect(snapshot(c.db), `${what} changed stored data`).toBe(before);
    }
    // Once per parameter: listing DuckDB's catalog costs tens of milliseconds.
    expect(await holtFunctions(c.probe), 'a rejected registerHolt registered something').toEqual([]);
  });

  it.each(Object.entries(SQL_ROWS))('%s with wrong arguments is an SQL error with the right code', async (name, row) => {
    for (const [call, want] of row.wrong) {
      const sql = SCALAR.has(name) ? `SELECT ${call}` : `SELECT * FROM ${call}`;
      const failed = await c.connection.runAndReadAll(sql).then(() => null, (e: Error) => e);
      expect(failed, `${sql} did not fail`).toBeInstanceOf(Error);
      if (want === 'SQL type') expect(failed!.message, sql).toMatch(SQL_TYPE_ERROR);
      else expect(failed!.message, sql).toContain(`(${want})`);
      expect(snapshot(c.db), `${sql} changed stored data`).toBe(before);
    }
  });

  it('the connection and the data are intact afterwards', async () => {
    const rows = (await c.connection.runAndReadAll("SELECT key FROM holt_scan('t', '') ORDER BY key")).getRowObjectsJson();
    expect(rows).toEqual([{ key: 'd/e' }, { key: 'k' }]);
    expect(snapshot(c.db)).toBe(before);
  });
});
