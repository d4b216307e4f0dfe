/**
 * Every public entry point of `holt`, called with every wrong kind of argument,
 * must throw HoltError INVALID_ARGUMENT (or the more specific code the API
 * already defines: KEY_TOO_LARGE, VALUE_TOO_LARGE) and change no stored data,
 * on DB.memory() and on a file DB.
 *
 * The table has one row per public member; each row lists its parameters with
 * a valid value and the wrong values, and each case replaces one argument by
 * one wrong value. The coverage test enumerates the module's exports and the
 * methods of every class a caller can reach (see test/support/public-surface.ts)
 * and fails when a member has no row, or a row's parameters no longer match the
 * member's declaration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as holt from '../../src/index.js';
import { DB, HoltError, Tree, collectAllTreeStats, isHoltError, toPrometheus } from '../../src/index.js';
import type { AtomicBatch, AtomicBatchTree, HoltErrorCode } from '../../src/index.js';
import type { AtomicRecorder } from '../../src/api/atomic-batch.js';
import type { ScanIterator } from '../../src/art/scan.js';
import { dump } from '../durability/helpers.js';
import { tempDir } from '../support/temp-dir.js';
import { rejected, thrown } from '../support/thrown.js';
import { cases, coverage, noParams, param, type Param as TableParam, type Row as TableRow } from '../support/bad-input-table.js';
import { objectMethods, publicMembers, type Member } from '../support/public-surface.js';
import {
  ARRAYS, BIGINT, BOOLEANS, FUNCTIONS, NOT_BYTES, NOT_COUNT, NOT_FUNCTION, NOT_OPTIONS, NOT_STRING,
  NULL, NUMBERS, OBJECTS, STRINGS, SYMBOL, UNDEFINED, asField, except, type Wrong,
} from '../support/wrong-values.js';

interface Ctx {
  db: DB;
  tree: Tree;
  /** Version of key 'k' in tree 't'. */
  version: number;
  /** A valid directory argument for DB.open: the open file DB's own (locked) directory, or one that must never be created. */
  openDir: string;
}

type Param = TableParam<Ctx>;
type Row = TableRow<Ctx>;

// ---- wrong values per kind of parameter ----

const MAX_KEY = holt.MAX_KEY_BYTES;
const MAX_VALUE = holt.MAX_VALUE_BYTES;
const TOO_LONG_KEYS: Wrong[] = [
  ['string of MAX_KEY_BYTES + 1', 'x'.repeat(MAX_KEY + 1), 'KEY_TOO_LARGE'],
  ['UTF-8 of MAX_KEY_BYTES + 2', '\u00e9'.repeat(MAX_KEY / 2 + 1), 'KEY_TOO_LARGE'],
  ['Buffer of MAX_KEY_BYTES + 1', Buffer.alloc(MAX_KEY + 1, 0x61), 'KEY_TOO_LARGE'],
];
const KEY: Wrong[] = [...NOT_BYTES, ['empty string', ''], ['empty Uint8Array', new Uint8Array(0)], ...TOO_LONG_KEYS];
const VALUE: Wrong[] = [
  ...NOT_BYTES,
  ['string of MAX_VALUE_BYTES + 1', 'v'.repeat(MAX_VALUE + 1), 'VALUE_TOO_LARGE'],
  ['Buffer of MAX_VALUE_BYTES + 1', Buffer.alloc(MAX_VALUE + 1), 'VALUE_TOO_LARGE'],
];
/** A prefix may be empty; only count() may omit it. */
const PREFIX: Wrong[] = [...NOT_BYTES, ...TOO_LONG_KEYS];
/** getManyAsync's keys: not an array, or an array with one wrong key among right ones. */
const KEY_LISTS: Wrong[] = [
  ['a string', 'k'], UNDEFINED, NULL, ...NUMBERS, ['Uint8Array', Uint8Array.of(1)], ...OBJECTS,
  ...KEY.map(([label, v, code]): Wrong => [`["k", ${label}]`, ['k', v], code]),
];
const OPTIONAL_PREFIX = except(PREFIX, 'undefined');
const VERSION: Wrong[] = [...NOT_COUNT];
const VERSION_OR_NULL = except(VERSION, 'null');
const TREE_NAME: Wrong[] = [
  ...NOT_STRING, ['empty', ''], ['NUL', 'a\0b'], ['256 UTF-8 bytes', 'x'.repeat(256)], ['lone surrogate', '\ud800'],
  ['Buffer', Buffer.from('t')],
];
const BOOLEAN_FIELD_WRONGS: Wrong[] = [...NUMBERS, NULL, SYMBOL, ...STRINGS, ['"true"', 'true'], ...OBJECTS, ...ARRAYS, ...FUNCTIONS];
const RENAME_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS, ['String object', new String('overwrite')],
  ...asField('overwrite', BOOLEAN_FIELD_WRONGS), ['{ overWrite: true }', { overWrite: true }], ['{ force: true }', { force: true }],
];
const BOUND_WRONGS: Wrong[] = [...except(NOT_BYTES, 'undefined'), ...TOO_LONG_KEYS];
const ENCODING_WRONGS: Wrong[] = [['"UTF8"', 'UTF8'], ['"utf-8"', 'utf-8'], ['"string"', 'string'], ['"hex"', 'hex'], ...NUMBERS, NULL, ...BOOLEANS, ...OBJECTS];
const GET_OPTIONS: Wrong[] = [...NOT_OPTIONS, ...asField('valueEncoding', ENCODING_WRONGS), ['{ encoding: "utf8" }', { encoding: 'utf8' }]];
const VISITOR: Wrong[] = [...NOT_FUNCTION];
const SCAN_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS,
  ...asField('prefix', BOUND_WRONGS),
  ...asField('startAfter', BOUND_WRONGS),
  ...asField('end', BOUND_WRONGS),
  ...asField('delimiter', [
    ...except(NUMBERS, '0', '42'), ['256', 256], BIGINT, ...BOOLEANS, NULL, SYMBOL, ['""', ''], ['"ab"', 'ab'],
    ['"\u00e9" (2 UTF-8 bytes)', '\u00e9'], ['Uint8Array', Uint8Array.of(0x2f)], ...OBJECTS, ...ARRAYS, ...FUNCTIONS,
  ]),
  ...asField('keysOnly', BOOLEAN_FIELD_WRONGS),
  ...asField('reverse', BOOLEAN_FIELD_WRONGS),
  ...asField('limit', [...except(NOT_COUNT, 'undefined', '2^53'), ['"5"', '5']]),
  ...asField('copy', BOOLEAN_FIELD_WRONGS),
  ...asField('keyEncoding', ENCODING_WRONGS),
  ...asField('valueEncoding', ENCODING_WRONGS),
  ['{ Prefix: "a" }', { Prefix: 'a' }], ['{ max: 1 }', { max: 1 }], ['{ delimeter: "/" }', { delimeter: '/' }],
  ['{ encoding: "utf8" }', { encoding: 'utf8' }],
];
const CALLBACK: Wrong[] = [
  ...NOT_FUNCTION,
  ['async function', async (b: AtomicBatch | AtomicBatchTree) => { batchTree(b).put('k', 'changed'); }],
  ['async function writing after an await', async (b: AtomicBatch | AtomicBatchTree) => { await null; batchTree(b).put('k', 'changed'); }],
  ['function returning a promise', (b: AtomicBatch | AtomicBatchTree) => { batchTree(b).delete('k'); return Promise.resolve(); }],
];
const DIR: Wrong[] = [
  ...NOT_STRING, ['empty', ''], ['NUL', 'a\0b'], ['Buffer', Buffer.from('/tmp')], ['URL', new URL('file:///tmp')],
];
const POSITIVE_WRONGS: Wrong[] = [['0', 0], ['-1', -1], ['NaN', Number.NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], BIGINT, NULL, ['"4"', '4'], ...BOOLEANS, ...OBJECTS, ...ARRAYS];
const DB_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS, ['"readOnly"', 'readOnly'],
  ...asField('durability', [['"FAST"', 'FAST'], ['"always"', 'always'], ...NUMBERS, NULL, ...BOOLEANS, ...OBJECTS]),
  ...asField('readOnly', BOOLEAN_FIELD_WRONGS),
  ...asField('cacheMB', POSITIVE_WRONGS),
  ...asField('io', [['"posix"', 'posix'], ['"NATIVE"', 'NATIVE'], ...NUMBERS, NULL, ...BOOLEANS, ...OBJECTS]),
  ...asField('checkpoint', [['true', true], ...NUMBERS, NULL, ['"off"', 'off'], ...ARRAYS, ...FUNCTIONS,
    ['{ every: 1 }', { every: 1 }]]),
  ...asField('checkpoint', asField('walBytes', [...POSITIVE_WRONGS, ['1.5', 1.5], ['2^53', 2 ** 53]])),
  ...asField('checkpoint', asField('intervalMs', POSITIVE_WRONGS)),
  ['{ readonly: true }', { readonly: true }], ['{ cacheMb: 4 }', { cacheMb: 4 }],
];
const HOLT_CODES: Wrong[] = [...NOT_STRING, ['"LOCK"', 'LOCK'], ['"not_found"', 'not_found'], ['""', ''], ['"ENOENT"', 'ENOENT']];
const ERROR_DETAILS: Wrong[] = [
  ...NOT_OPTIONS, ...asField('file', [...NUMBERS, NULL, ...OBJECTS]), ...asField('offset', [['-1', -1], ['1.5', 1.5], ['NaN', Number.NaN], ['"1"', '1'], NULL]),
  ...asField('errno', [...NUMBERS, NULL, ...OBJECTS]),
];
const STATS: Wrong[] = [
  ...NOT_OPTIONS, UNDEFINED, ...OBJECTS,
  ['{ trees: 1, frames: 0, durable: null }', { trees: 1, frames: 0, durable: null }],
  ['{ trees: [], frames: "0", durable: null }', { trees: [], frames: '0', durable: null }],
  ['{ trees: [], frames: 0, durable: 1 }', { trees: [], frames: 0, durable: 1 }],
];
const SHAPES: Wrong[] = [...except(NOT_OPTIONS, '[]'), ...OBJECTS, ['[null]', [null]], ['[{}]', [{}]], ['[{ name: "t" }]', [{ name: 't' }]]];
const NOT_A_DB: Wrong[] = [...NOT_OPTIONS, UNDEFINED, ...OBJECTS, ['a Tree', 'TREE']];

/** The tree handle of a db.atomic or tree.atomic batch, so one callback serves both. */
function batchTree(b: AtomicBatch | AtomicBatchTree): AtomicBatchTree {
  return 'tree' in b ? b.tree('t') : b;
}

// ---- the table ----

const p = param<Ctx>;
const key = (name = 'key', valid = 'k'): Param => p(name, () => valid, KEY);
const value = (): Param => p('value', () => 'new value', VALUE);
const version = (): Param => p('version', (c) => c.version, VERSION);
const treeName = (): Param => p('name', () => 't', TREE_NAME);
const renameOptions = (): Param => p('options', () => ({}), RENAME_OPTIONS);
const none = noParams<Ctx>;

const tree = (m: string, params: Param[]): Row => ({
  member: `Tree#${m}`, params, call: (c, args) => (c.tree as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args),
});
const asyncTree = (m: string, params: Param[]): Row => ({ ...tree(m, params), rejects: true });
const dbMethod = (m: string, params: Param[]): Row => ({
  member: `DB#${m}`, params, call: (c, args) => (c.db as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args),
});

const BATCH_METHODS: Record<string, Param[]> = {
  put: [key(), value()],
  delete: [key()],
  rename: [key('from'), key('to', 'k2'), renameOptions()],
  putIfAbsent: [key(), value()],
  compareAndPut: [key(), version(), value()],
  deleteIfVersion: [key(), version()],
  assertPrefixEmpty: [p('prefix', () => 'a', PREFIX)],
  assertVersion: [key(), p('version', (c) => c.version, VERSION_OR_NULL)],
};

const ROWS: Row[] = [
  { member: 'new HoltError', params: [p('code', () => 'NOT_FOUND', HOLT_CODES), p('message', () => 'm', NOT_STRING), p('details', () => ({}), ERROR_DETAILS)],
    call: (_c, [code, message, details]) => new HoltError(code as HoltErrorCode, message as string, details as object) },
  { member: 'isHoltError', params: [p('e', () => new Error('x'), []), p('code', () => 'NOT_FOUND', except(HOLT_CODES, 'undefined'))],
    call: (_c, [e, code]) => isHoltError(e, code as HoltErrorCode) },
  { member: 'toPrometheus', params: [p('stats', (c) => c.db.stats(), STATS), p('shapes', () => [], SHAPES)],
    call: (_c, [stats, shapes]) => toPrometheus(stats as never, shapes as never) },
  { member: 'collectAllTreeStats', params: [p('db', (c) => c.db, NOT_A_DB)],
    call: (c, [db]) => collectAllTreeStats((db === 'TREE' ? c.tree : db) as DB) },

  none('DB.memory'),
  { member: 'DB.open', params: [p('dir', (c) => c.openDir, DIR), p('options', () => ({}), DB_OPTIONS)],
    call: (_c, [dir, options]) => DB.open(dir as string, options as never) },
  dbMethod('createTree', [treeName()]),
  dbMethod('openTree', [treeName()]),
  dbMethod('tree', [treeName()]),
  dbMethod('dropTree', [treeName()]),
  none('DB#listTrees'),
  dbMethod('atomic', [p('fn', () => () => {}, CALLBACK)]),
  none('DB#sync'),
  none('DB#checkpoint'),
  none('DB#close'),
  none('DB#stats'),
  none('DB#snapshot'),
  none('DB#refresh'),

  none('Tree#name'),
  tree('get', [key(), p('options', () => ({}), GET_OPTIONS)]),
  asyncTree('getAsync', [key(), p('options', () => ({}), GET_OPTIONS)]),
  asyncTree('getManyAsync', [p('keys', () => ['k', 'a'], KEY_LISTS), p('options', () => ({}), GET_OPTIONS)]),
  tree('getRecord', [key()]),
  tree('getVersion', [key()]),
  tree('has', [key()]),
  tree('put', [key(), value()]),
  tree('delete', [key()]),
  tree('putIfAbsent', [key(), value()]),
  tree('compareAndPut', [key(), version(), value()]),
  tree('deleteIfVersion', [key(), version()]),
  tree('rename', [key('from'), key('to', 'k2'), renameOptions()]),
  tree('longestPrefix', [key()]),
  tree('isPrefixEmpty', [p('prefix', () => 'a', PREFIX)]),
  tree('count', [p('prefix', () => 'a', OPTIONAL_PREFIX)]),
  tree('scan', [p('options', () => ({}), SCAN_OPTIONS)]),
  tree('scanAsync', [p('options', () => ({}), [...SCAN_OPTIONS, ['{ copy: false }', { copy: false }]])]),
  tree('scanEach', [p('options', () => ({}), SCAN_OPTIONS), p('visit', () => () => {}, VISITOR)]),
  tree('atomic', [p('fn', () => () => {}, CALLBACK)]),
  none('Tree#stats'),
  none('Tree#verify'),

  none('ScanIterator#[Symbol.iterator]'),
  none('ScanIterator#return'),
  none('ScanIterator#next'),
  none('ScanIterator#toArray'),

  { member: 'AtomicRecorder#tree', params: [treeName()], call: (c, [name]) => c.db.atomic((b) => { b.tree(name as string); }) },
  ...Object.entries(BATCH_METHODS).flatMap(([m, params]): Row[] => {
    const invoke = (b: AtomicBatchTree, args: unknown[]): unknown => (b as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args);
    return [
      { member: `AtomicBatchTree#${m}`, via: 'db.atomic', params, call: (c, args) => c.db.atomic((b) => { invoke(b.tree('t'), args); }) },
      { member: `AtomicBatchTree#${m}`, via: 'tree.atomic', params, call: (c, args) => c.tree.atomic((b) => { invoke(b, args); }) },
    ];
  }),
];

// ---- the public surface ----

/** Exports that are values but take no input. */
const CONSTANTS = new Set(['MAX_KEY_BYTES', 'MAX_VALUE_BYTES']);

function surface(): Member[] {
  const db = DB.memory();
  const t = db.tree('t');
  let batch: AtomicBatch | undefined;
  let bt: AtomicBatchTree | undefined;
  db.atomic((b) => { batch = b; bt = b.tree('t'); });
  const members: Member[] = [
    ...publicMembers(DB, 'src/api/db.ts', true),
    ...publicMembers(Tree, 'src/api/tree.ts', true),
    ...publicMembers(HoltError, 'src/errors.ts', true),
    ...publicMembers(Object.getPrototypeOf(t.scan()).constructor as typeof ScanIterator, 'src/art/scan.ts', false),
    ...publicMembers(Object.getPrototypeOf(batch).constructor as typeof AtomicRecorder, 'src/api/atomic-batch.ts', false),
    ...objectMethods(bt!, 'AtomicBatchTree'),
  ];
  for (const [name, v] of Object.entries(holt)) {
    if (typeof v === 'function' && !/^[A-Z]/.test(name)) members.push({ label: name, fn: v as Member['fn'] });
  }
  return members;
}

describe('the bad-input table covers the public surface of holt', () => {
  it('every export is a class, a function or a listed constant', () => {
    for (const [name, v] of Object.entries(holt)) {
      const kind = typeof v === 'function' ? (/^[A-Z]/.test(name) ? 'class' : 'function') : CONSTANTS.has(name) ? 'constant' : 'unlisted';
      expect(kind, `export ${name}`).not.toBe('unlisted');
    }
    for (const name of CONSTANTS) expect(holt, name).toHaveProperty(name);
  });

  it('every public member has a row, every row a member, and rows match the declared parameters', () => {
    expect(coverage(surface(), ROWS)).toEqual({ missing: [], extra: [], arity: [] });
  });
});

// ---- running it ----

/** Stored data, catalog included: what a wrong call must leave exactly as it was. */
function snapshot(db: DB): string {
  return JSON.stringify([db.listTrees(), dump(db)]);
}

function seed(db: DB): number {
  const t = db.tree('t');
  t.put('a', '1');
  t.put('a/b', '2');
  t.put(Uint8Array.of(0, 0xff, 0x2f), Uint8Array.of(1, 2, 3));
  const v = t.put('k', 'v');
  db.tree('u').put('k', 'other tree');
  db.tree('empty');
  return v;
}

/** Run every case of `row` on `c`: each must throw `HoltError` with its code and leave the data as it was. */
async function runRow(c: Ctx, row: Row, before: string): Promise<void> {
  for (const { what, args, code = 'INVALID_ARGUMENT' } of cases(row, c)) {
    const e = row.rejects ? await rejected(row.call(c, args) as Promise<unknown>, what) : thrown(() => row.call(c, args), what);
    expect(e, `${what} did not throw a HoltError`).toBeInstanceOf(HoltError);
    expect((e as HoltError).code, `${what}: ${(e as Error).message}`).toBe(code);
    expect(snapshot(c.db), `${what} changed stored data`).toBe(before);
  }
}

const contexts: Array<{ kind: string; open: () => { db: DB; dir: string; openDir: string; cleanup: () => void } }> = [
  { kind: 'DB.memory()', open: () => { const d = tempDir('bad-input'); return { db: DB.memory(), dir: d.dir, openDir: join(d.dir, 'never-created'), cleanup: d.cleanup }; } },
  { kind: 'DB.open(dir)', open: () => { const d = tempDir('bad-input'); return { db: DB.open(d.dir), dir: d.dir, openDir: d.dir, cleanup: d.cleanup }; } },
];

describe.each(contexts)('wrong arguments on $kind', ({ kind, open }) => {
  let c: Ctx;
  let before: string;
  let env: ReturnType<typeof open>;

  beforeAll(() => {
    env = open();
    const v = seed(env.db);
    c = { db: env.db, tree: env.db.openTree('t'), version: v, openDir: env.openDir };
    before = snapshot(env.db);
  });

  afterAll(async () => {
    await env.db.close();
    env.cleanup();
  });

  it.each(ROWS.filter((r) => r.params.length > 0).map((r) => [`${r.member}${r.via ? ` (${r.via})` : ''}`, r] as const))('%s', async (_label, row) => {
    await runRow(c, row, before);
  });

  it('DB.open with wrong arguments created nothing', () => {
    expect(existsSync(join(env.dir, 'never-created'))).toBe(false);
  });

  it('the data is intact and still writable afterwards' + (kind === 'DB.open(dir)' ? ', and after a reopen' : ''), async () => {
    expect(snapshot(c.db)).toBe(before);
    for (const t of c.db.listTrees()) expect(c.db.openTree(t.name).verify().ok).toBe(true);
    if (kind !== 'DB.open(dir)') return;
    await c.db.close();
    env.db = DB.open(env.dir);
    expect(snapshot(env.db)).toBe(before);
  });
});

describe('valid arguments next to the wrong ones are accepted', () => {
  const db = DB.memory();
  const v = seed(db);
  const t = db.openTree('t');
  const ok: Array<[string, () => unknown]> = [
    ['scan with every option', () => t.scan({ prefix: 'a', startAfter: 'a', end: 'b', delimiter: '/', keysOnly: true, limit: 0, reverse: false }).toArray()],
    ['scan with options set to undefined', () => t.scan({ prefix: undefined, delimiter: undefined, limit: undefined }).toArray()],
    ['scan with a numeric delimiter and a null-prototype options object', () => t.scan(Object.assign(Object.create(null), { delimiter: 0x2f })).toArray()],
    ['scan with bounds of MAX_KEY_BYTES', () => t.scan({ prefix: 'x'.repeat(MAX_KEY), end: Buffer.alloc(MAX_KEY, 0xff) }).toArray()],
    ['count() without a prefix', () => t.count()],
    ['isPrefixEmpty("")', () => t.isPrefixEmpty('')],
    ['rename with { overwrite: false } and without options', () => [t.rename('a', 'z', { overwrite: false }), t.rename('z', 'a')]],
    ['compareAndPut with version 0 (matches nothing)', () => t.compareAndPut('k', 0, 'x')],
    ['putIfAbsent on an existing key with a valid value', () => t.putIfAbsent('k', 'x')],
    ['an empty value', () => t.put('empty-value', '')],
    ['isHoltError without a code', () => isHoltError(new HoltError('CLOSED', 'x'))],
    ['toPrometheus with shapes', () => toPrometheus(db.stats(), collectAllTreeStats(db))],
    ['a batch with every operation', () => db.atomic((b) => {
      b.tree('t').put('b1', 'x').rename('b1', 'b2', { overwrite: true }).assertVersion('missing', null).assertPrefixEmpty('')
        .compareAndPut('k', v, 'y').deleteIfVersion('b2', 0).putIfAbsent('b3', '').delete('b3');
    })],
  ];
  it.each(ok)('%s', (_name, fn) => {
    expect(fn).not.toThrow();
  });

  it('DB.open accepts every option', async () => {
    const d = tempDir('bad-input');
    try {
      const fileDb = DB.open(d.dir, { durability: 'sync', readOnly: false, cacheMB: 0.5, checkpoint: { walBytes: 1 << 20, intervalMs: 250.5 }, io: 'fs' });
      await fileDb.close();
      const again = DB.open(d.dir, { checkpoint: false, durability: undefined });
      await again.close();
    } finally {
      d.cleanup();
    }
  });
});
