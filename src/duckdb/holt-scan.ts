/**
 * holt_scan(tree, prefix [, start_after, delimiter, keys_only, max_keys, reverse])
 *
 * A table function over one Holt tree, in key byte order. Columns:
 *   key        VARCHAR  the key as text. Keys that are not valid UTF-8 are
 *                       decoded with U+FFFD replacement characters, so two
 *                       binary keys can share one `key`; `key_bytes` is exact.
 *   key_bytes  BLOB     the key's bytes
 *   value      BLOB     the value; NULL for common-prefix rows and with keys_only
 *   version    BIGINT   the record's version; NULL for common-prefix rows
 *   is_prefix  BOOLEAN  true for a rolled-up common prefix (delimiter mode)
 *
 * Contract:
 *   - Streams: each call of the main function pulls at most one chunk (2048
 *     entries) from a Holt scan iterator. The tree is never materialised.
 *   - Projection pushdown: when `value` is not among the projected columns the
 *     Holt scan runs with `keysOnly`, so values are never read or copied.
 *   - One instant: each call reads a snapshot (db.snapshot()) taken when the
 *     scan starts, so writes between chunks are not seen and counts and sums
 *     over a live tree always describe one state. The snapshot is closed at
 *     the end of the scan, on an error, or (a query stopped early by LIMIT)
 *     when DuckDB drops the scan's state.
 *   - Errors (unknown tree, bad arguments, DB closed mid-scan) become SQL
 *     errors carrying Holt's message and code; the DB and connection stay usable.
 */
import { isUtf8 } from 'node:buffer';
import {
  BIGINT, BLOB, BOOLEAN, DuckDBTableFunction, VARCHAR,
  type DuckDBDataChunk, type DuckDBTableFunctionBindInfo, type DuckDBTableFunctionInfo,
  type DuckDBTableFunctionInitInfo, type DuckDBValue,
} from '@duckdb/node-api';
import type { DB } from '../api/db.js';
import type { Snapshot } from '../api/snapshot.js';
import type { Tree } from '../api/tree.js';
import type { ScanEntry, ScanOptions } from '../api/types.js';
import { CHUNK_ROWS, ColumnWriter, type ColumnKind } from './column-writer.js';
import { badArgument, sqlErrorMessage } from './errors.js';
import type { ScanObserver } from './options.js';

const FN = 'holt_scan';

/** Output columns, in bind order; the index is what projection pushdown reports. */
const COL_KEY = 0;
const COL_KEY_BYTES = 1;
const COL_VALUE = 2;
const COL_VERSION = 3;
const COL_IS_PREFIX = 4;
const COLUMNS: ReadonlyArray<{ name: string; kind: ColumnKind }> = [
  { name: 'key', kind: 'bytes' },
  { name: 'key_bytes', kind: 'bytes' },
  { name: 'value', kind: 'bytes' },
  { name: 'version', kind: 'bigint' },
  { name: 'is_prefix', kind: 'boolean' },
];
const COLUMN_TYPES = [VARCHAR, BLOB, BLOB, BIGINT, BOOLEAN];

interface BindData {
  tree: string;
  options: ScanOptions;
  /** keys_only was asked for explicitly: the value column is NULL. */
  keysOnly: boolean;
}

interface ScanState {
  /** The one instant this call reads: totals over a live tree always reconcile. */
  snapshot: Snapshot;
  iterator: ReturnType<Tree['scanBorrowed']>;
  /** Bound column index for each output vector, in output order. */
  columns: number[];
  writers: ColumnWriter[];
  readValues: boolean;
  done: boolean;
}

export function createHoltScan(db: DB, onScan: ScanObserver | undefined): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: FN,
    parameterTypes: [VARCHAR, VARCHAR],
    namedParameterTypes: {
      start_after: VARCHAR,
      delimiter: VARCHAR,
      keys_only: BOOLEAN,
      max_keys: BIGINT,
      reverse: BOOLEAN,
    },
    supportsProjectionPushdown: true,
    bindFunction: (info) => bind(db, info),
    initFunction: (info) => init(db, onScan, info),
    mainFunction: (info, out) => produce(info, out),
  });
}

function bind(db: DB, info: DuckDBTableFunctionBindInfo): void {
  try {
    const tree = requiredString(info.getParameter(0), 'tree');
    // A NULL prefix is refused, not read as '' (which lists the whole tree).
    const prefix = requiredString(info.getParameter(1), 'prefix');
    const options: ScanOptions = { prefix };
    const startAfter = optionalString(info.getNamedParameter('start_after'), 'start_after');
    if (startAfter !== undefined) options.startAfter = startAfter;
    const delimiter = optionalString(info.getNamedParameter('delimiter'), 'delimiter');
    if (delimiter !== undefined && delimiter !== '') options.delimiter = delimiter;
    const keysOnly = optionalBoolean(info.getNamedParameter('keys_only'), 'keys_only') ?? false;
    const maxKeys = info.getNamedParameter('max_keys');
    if (maxKeys !== null) {
      if (typeof maxKeys !== 'bigint' || maxKeys < 0n || maxKeys > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw badArgument('max_keys must be a non-negative integer');
      }
      options.limit = Number(maxKeys);
    }
    if (optionalBoolean(info.getNamedParameter('reverse'), 'reverse') === true) options.reverse = true;

    // Resolve the tree and let Holt validate the options now, so mistakes fail
    // at bind time with Holt's message instead of halfway through a result.
    const handle = db.openTree(tree);
    handle.scan({ ...options, keysOnly: true }).return();
    if (options.prefix === '' && options.startAfter === undefined && options.delimiter === undefined) {
      info.setCardinality(options.limit === undefined ? handle.count() : Math.min(options.limit, handle.count()), false);
    }

    COLUMNS.forEach((c, i) => info.addResultColumn(c.name, COLUMN_TYPES[i]!));
    const data: BindData = { tree, options, keysOnly };
    info.setBindData(data);
  } catch (e) {
    info.setError(sqlErrorMessage(FN, e));
  }
}

function init(db: DB, onScan: ScanObserver | undefined, info: DuckDBTableFunctionInitInfo): void {
  try {
    const bound = info.bindData as BindData;
    const columns = info.getColumnIndexes();
    const readValues = !bound.keysOnly && columns.includes(COL_VALUE);
    const options: ScanOptions = { ...bound.options, keysOnly: !readValues };
    onScan?.({ tree: bound.tree, options: { ...options }, columns: columns.map((c) => COLUMNS[c]!.name) });
    // One snapshot per call, so that every chunk of this scan reads the same
    // state however the application writes between chunks.
    const snapshot = db.snapshot();
    let iterator: ReturnType<Tree['scanBorrowed']>;
    try {
      // Values are copied straight into DuckDB's vector: borrow them from the frame.
      iterator = snapshot.tree(bound.tree).scanBorrowed(options);
    } catch (e) {
      snapshot.close();
      throw e;
    }
    const state: ScanState = {
      snapshot,
      iterator,
      columns,
      writers: columns.map((c) => new ColumnWriter(COLUMNS[c]!.kind)),
      readValues,
      done: false,
    };
    info.setMaxThreads(1);
    info.setInitData(state);
    // A query that stops early (LIMIT) never reaches the end of the scan: its
    // snapshot is closed when DuckDB lets go of the state.
    abandoned.register(state, snapshot, state);
  } catch (e) {
    info.setError(sqlErrorMessage(FN, e));
  }
}

function produce(info: DuckDBTableFunctionInfo, out: DuckDBDataChunk): void {
  const state = info.initData as ScanState;
  if (state.done) {
    out.rowCount = 0;
    return;
  }
  const { iterator, columns, writers } = state;
  const width = columns.length;
  let rows = 0;
  try {
    for (let c = 0; c < width; c++) writers[c]!.begin(out, c);
    while (rows < CHUNK_ROWS) {
      const step = iterator.next();
      if (step.done === true) {
        finish(state);
        break;
      }
      const entry = step.value;
      for (let c = 0; c < width; c++) writeCell(writers[c]!, columns[c]!, rows, entry, state.readValues);
      rows++;
    }
    for (let c = 0; c < width; c++) writers[c]!.end(rows);
    out.rowCount = rows;
  } catch (e) {
    iterator.return();
    finish(state);
    out.rowCount = 0;
    info.setError(sqlErrorMessage(FN, e));
  }
}

/** Closes the snapshots of scans DuckDB dropped before their end. */
const abandoned = new FinalizationRegistry<Snapshot>((snapshot) => snapshot.close());

function finish(state: ScanState): void {
  state.done = true;
  state.snapshot.close();
  abandoned.unregister(state);
}

function writeCell(w: ColumnWriter, column: number, row: number, e: ScanEntry, readValues: boolean): void {
  switch (column) {
    case COL_KEY:
      w.bytes(row, isUtf8(e.key) ? e.key : Buffer.from(e.key.toString('utf8'), 'utf8'));
      return;
    case COL_KEY_BYTES:
      w.bytes(row, e.key);
      return;
    case COL_VALUE:
      if (e.kind === 'key' && readValues && e.value !== undefined) w.bytes(row, e.value);
      else w.null(row);
      return;
    case COL_VERSION:
      if (e.kind === 'key') w.bigint(row, e.version);
      else w.null(row);
      return;
    case COL_IS_PREFIX:
      w.boolean(row, e.kind === 'prefix');
      return;
  }
}

function requiredString(v: DuckDBValue, name: string): string {
  if (typeof v !== 'string') throw badArgument(`${name} must be a non-NULL VARCHAR`);
  return v;
}

function optionalString(v: DuckDBValue | null, name: string): string | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'string') throw badArgument(`${name} must be a VARCHAR`);
  return v;
}

function optionalBoolean(v: DuckDBValue | null, name: string): boolean | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'boolean') throw badArgument(`${name} must be a BOOLEAN`);
  return v;
}
