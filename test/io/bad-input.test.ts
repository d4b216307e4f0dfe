/**
 * Every public entry point of `holt/io`, called with every wrong kind of
 * argument, must fail with `IoError` code `ERR_INVALID_ARG` (the I/O layer's
 * stable bad-argument code), from both implementations, and change nothing
 * on disk. Methods ending in `Async` must reject, never throw.
 *
 * One row per public member, as in test/api/bad-input.test.ts; the coverage
 * test enumerates the module's exports and the methods of each
 * implementation's Io and FileHandle classes and fails on a member without a
 * row or a row whose parameters no longer match the declaration.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as io from '../../src/io/index.js';
import { chooseIo, IoError, isIoError, loadIo, type FileHandle, type Io } from '../../src/io/index.js';
import { MAX_ALLOC } from '../../src/io/validate.js';
import { cases, coverage, noParams, param, type Param as TableParam, type Row as TableRow } from '../support/bad-input-table.js';
import { publicMembers, type Member } from '../support/public-surface.js';
import {
  ARRAYS, BOOLEANS, NOT_BYTES, NOT_COUNT, NOT_OPTIONS, NOT_STRING, NULL, NUMBERS, OBJECTS, STRINGS, SYMBOL, UNDEFINED,
  asField, except, type Wrong,
} from '../support/wrong-values.js';
import { tempDir, type TempDir } from '../support/temp-dir.js';
import { implementations } from './helpers.js';

interface Ctx {
  io: Io;
  h: FileHandle;
  dir: string;
}

type Param = TableParam<Ctx>;
type Row = TableRow<Ctx>;

// ---- wrong values per kind of parameter ----

/** What a valid write would put in the file: bytes the file does not hold, so a write that slipped through shows. */
const BUF = new Uint8Array(4096).fill(0xee);
const PATH: Wrong[] = [...NOT_STRING, ['""', ''], ['NUL', 'a\0b'], ['Buffer', Buffer.from('/tmp')], ['URL', new URL('file:///tmp')]];
const BOOLEAN_FIELD: Wrong[] = [...NUMBERS, NULL, SYMBOL, ...STRINGS, ...OBJECTS, ...ARRAYS];
const OPEN_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS, ...asField('direct', BOOLEAN_FIELD), ...asField('create', BOOLEAN_FIELD), ...asField('readOnly', BOOLEAN_FIELD),
  ['{ Create: true }', { Create: true }], ['{ mode: 0o644 }', { mode: 0o644 }],
];
const BUFFER: Wrong[] = [...NOT_BYTES, ...STRINGS, ['Buffer-like object', { length: 4, byteLength: 4 }]];
const OFFSET: Wrong[] = [...NOT_COUNT];
const LENGTH: Wrong[] = [...except(NOT_COUNT, 'undefined'), ['buffer length + 1', BUF.length + 1]];
const REQUESTS: Wrong[] = [
  ...except(NOT_OPTIONS, '[]'), UNDEFINED, ...OBJECTS,
  ['[null]', [null]], ['[42]', [42]], ['[{}]', [{}]], ['[{ buf: "x", offset: 0 }]', [{ buf: 'x', offset: 0 }]],
  ['[{ buf }]', [{ buf: BUF }]], ['[{ buf, offset: -1 }]', [{ buf: BUF, offset: -1 }]],
  ['[{ buf, offset: NaN }]', [{ buf: BUF, offset: Number.NaN }]], ['[{ buf, offset: "0" }]', [{ buf: BUF, offset: '0' }]],
  ['[valid, { buf, offset: 1.5 }]', [{ buf: BUF, offset: 0 }, { buf: BUF, offset: 1.5 }]],
];
const SUBMISSIONS: Wrong[] = [
  ...REQUESTS,
  ['[{ buf, offset }] (no op)', [{ buf: BUF, offset: 0 }]], ['[{ op: "append" }]', [{ op: 'append', buf: BUF, offset: 0 }]],
  ['[{ op: "READ" }]', [{ op: 'READ', buf: BUF, offset: 0 }]], ['[{ op: 1 }]', [{ op: 1, buf: BUF, offset: 0 }]],
  ['[{ op: "read", buf: "x" }]', [{ op: 'read', buf: 'x', offset: 0 }]], ['[{ op: "write", offset: -1 }]', [{ op: 'write', buf: BUF, offset: -1 }]],
  ['[valid, { op: "write", offset: 1.5 }]', [{ op: 'write', buf: BUF, offset: 0 }, { op: 'write', buf: BUF, offset: 1.5 }]],
];
const SIZE: Wrong[] = [...NOT_COUNT, ['MAX_ALLOC + 1', MAX_ALLOC + 1], ['2^40', 2 ** 40]];
const LOCK_MODE: Wrong[] = [...NOT_STRING, ['"both"', 'both'], ['"SHARED"', 'SHARED'], ['""', '']];
const CODE: Wrong[] = [...NOT_STRING, ['""', '']];
const DETAILS: Wrong[] = [
  ...NOT_OPTIONS, ...asField('path', [...NUMBERS, NULL, ...OBJECTS]), ...asField('syscall', [...NUMBERS, NULL, ...OBJECTS]),
  ...asField('errno', [['1.5', 1.5], ['NaN', Number.NaN], ['"5"', '5'], NULL, ...BOOLEANS]),
];
const LOAD_IO_OPTIONS: Wrong[] = [
  ...NOT_OPTIONS, ...asField('prefer', [['"posix"', 'posix'], ['"FS"', 'FS'], ...NUMBERS, NULL, ...BOOLEANS, ...OBJECTS]),
  ...asField('backend', [['"uring"', 'uring'], ['"IO_URING"', 'IO_URING'], ['"fs"', 'fs'], ...NUMBERS, NULL, ...BOOLEANS, ...OBJECTS]),
  ['{ prefer: "fs", backend: "io_uring" }', { prefer: 'fs', backend: 'io_uring' }],
  ['{ Prefer: "fs" }', { Prefer: 'fs' }],
];

// ---- the table ----

const p = param<Ctx>;
const buf = (): Param => p('buf', () => BUF, BUFFER);
const offset = (): Param => p('offset', () => 0, OFFSET);
const length = (): Param => p('length', () => 16, LENGTH);
const requests = (): Param => p('requests', () => [{ buf: BUF, offset: 0 }], REQUESTS);
const submissions = (): Param => p('requests', () => [{ op: 'read', buf: BUF, offset: 0 }], SUBMISSIONS);
const none = noParams<Ctx>;

const invoke = (target: object, m: string, args: unknown[]): unknown => (target as Record<string, (...a: unknown[]) => unknown>)[m]!(...args);

/** Rows for one implementation's classes (`ioClass`, `handleClass`: their names). */
function rowsFor(ioClass: string, handleClass: string): Row[] {
  const ioRow = (m: string, params: Param[]): Row => ({ member: `${ioClass}#${m}`, params, call: (c, args) => invoke(c.io, m, args) });
  const h = (m: string, params: Param[]): Row => ({ member: `${handleClass}#${m}`, params, call: (c, args) => invoke(c.h, m, args) });
  const rows: Row[] = [
    ioRow('open', [p('path', (c) => path.join(c.dir, 'never-created'), PATH), p('options', () => ({ create: true }), OPEN_OPTIONS)]),
    ioRow('allocAligned', [p('size', () => 4096, SIZE)]),
    ioRow('fsyncDir', [p('path', (c) => c.dir, PATH)]),
    ioRow('fsyncDirAsync', [p('path', (c) => c.dir, PATH)]),
    none(`${handleClass}#closed`),
    h('pread', [buf(), offset(), length()]),
    h('pwrite', [buf(), offset(), length()]),
    h('preadMany', [requests()]),
    h('pwriteMany', [requests()]),
    none(`${handleClass}#fdatasync`),
    none(`${handleClass}#fsync`),
    h('fallocate', [offset(), p('length', () => 4096, [...OFFSET, ['0', 0]])]),
    h('ftruncate', [p('length', () => 0, OFFSET)]),
    none(`${handleClass}#size`),
    h('lock', [p('mode', () => 'shared', LOCK_MODE)]),
    none(`${handleClass}#unlock`),
    none(`${handleClass}#close`),
    h('preadAsync', [buf(), offset(), length()]),
    h('pwriteAsync', [buf(), offset(), length()]),
    h('preadManyAsync', [requests()]),
    h('pwriteManyAsync', [requests()]),
    h('submit', [submissions()]),
    none(`${handleClass}#fdatasyncAsync`),
    none(`${handleClass}#fsyncAsync`),
  ];
  // The native implementation's extra: the boundary probe.
  if (ioClass === 'NativeIo') rows.push(none('NativeIo#noop'));
  return rows;
}

const MODULE_ROWS: Row[] = [
  { member: 'loadIo', params: [p('options', () => ({}), LOAD_IO_OPTIONS)], call: (_c, [o]) => loadIo(o as never) },
  { member: 'chooseIo', params: [p('options', () => ({}), LOAD_IO_OPTIONS)], call: (_c, [o]) => chooseIo(o as never) },
  none('nativeIoAvailable'),
  none('ioUringAvailable'),
  none('nativeLoadError'),
  { member: 'new IoError', params: [p('code', () => 'EIO', CODE), p('message', () => 'm', NOT_STRING), p('details', () => ({}), DETAILS)],
    call: (_c, [code, message, details]) => new IoError(code as string, message as string, details as object) },
  { member: 'isIoError', params: [p('e', () => new Error('x'), []), p('code', () => 'EIO', except(CODE, 'undefined'))],
    call: (_c, [e, code]) => isIoError(e, code as string) },
];

/** Exports that are values but take no input. */
const CONSTANTS = new Set(['IO_ALIGNMENT']);

function surface(c: Ctx): Member[] {
  const members: Member[] = [
    ...publicMembers(Object.getPrototypeOf(c.io).constructor, sourceOf(c.io.kind), false),
    ...publicMembers(Object.getPrototypeOf(c.h).constructor, sourceOf(c.io.kind), false),
    ...publicMembers(IoError, 'src/io/errors.ts', true),
  ];
  for (const [name, v] of Object.entries(io)) {
    if (typeof v === 'function' && !/^[A-Z]/.test(name)) members.push({ label: name, fn: v as Member['fn'] });
  }
  return members;
}

function sourceOf(kind: Io['kind']): string {
  return kind === 'native' ? 'src/io/native-io.ts' : 'src/io/fs-io.ts';
}

// ---- running it ----

/** Everything a wrong call must leave as it was: the directory's entries and the data file's bytes. */
function snapshot(c: Ctx): string {
  const names = fs.readdirSync(c.dir).sort();
  return JSON.stringify([names, fs.readFileSync(path.join(c.dir, 'data.bin')).toString('hex')]);
}

/** The error `call` threw or rejected with, and whether an `...Async` method threw instead of rejecting. */
async function failure(call: () => unknown): Promise<{ error: unknown; threwSync: boolean }> {
  let r: unknown;
  try {
    r = call();
  } catch (e) {
    return { error: e, threwSync: true };
  }
  try {
    await r;
  } catch (e) {
    return { error: e, threwSync: false };
  }
  return { error: undefined, threwSync: false };
}

async function runRow(c: Ctx, row: Row, before: string): Promise<void> {
  for (const { what, args, code = 'ERR_INVALID_ARG' } of cases(row, c)) {
    const { error, threwSync } = await failure(() => row.call(c, args));
    expect(error, `${what} did not fail with an IoError`).toBeInstanceOf(IoError);
    expect((error as IoError).code, `${what}: ${(error as Error).message}`).toBe(code);
    if (row.member.endsWith('Async')) expect(threwSync, `${what} threw instead of rejecting`).toBe(false);
    expect(snapshot(c), `${what} changed the disk`).toBe(before);
  }
}

/** Each implementation's Io and FileHandle class names (the coverage test checks them against the instances). */
const CLASSES = { native: ['NativeIo', 'NativeFileHandle'], fs: ['FsIo', 'FsFileHandle'] } as const;

describe.each(implementations)('wrong arguments to holt/io ($label)', ({ name, io: getIo }) => {
  const c = {} as Ctx;
  let before: string;
  const rows = [...rowsFor(CLASSES[name][0], CLASSES[name][1]), ...MODULE_ROWS];

  let tmp: TempDir;

  beforeAll(() => {
    c.io = getIo();
    tmp = tempDir('io');
    c.dir = tmp.dir;
    fs.writeFileSync(path.join(c.dir, 'data.bin'), Buffer.alloc(8192, 0x5a));
    c.h = c.io.open(path.join(c.dir, 'data.bin'));
    before = snapshot(c);
  });

  afterAll(() => {
    c.h.close();
    tmp.cleanup();
  });

  it('every public member has a row, every row a member, and rows match the declared parameters', () => {
    expect(coverage(surface(c), rows)).toEqual({ missing: [], extra: [], arity: [] });
    for (const [name, v] of Object.entries(io)) {
      if (typeof v !== 'function') expect(CONSTANTS.has(name), `export ${name} is not a listed constant`).toBe(true);
    }
  });

  it.each(rows.filter((r) => r.params.length > 0).map((r) => [r.member, r] as const))('%s', async (_label, row) => {
    await runRow(c, row, before);
  });

  it('the handle still works afterwards', () => {
    const back = new Uint8Array(8192);
    expect(c.h.pread(back, 0)).toBe(8192);
    expect(back.every((b) => b === 0x5a)).toBe(true);
  });
});
