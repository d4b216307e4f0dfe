/**
 * ColumnWriter: fills one output vector of a DuckDB data chunk, row by row,
 * and hands it to DuckDB in as few native calls as the type allows.
 *
 * Why not `DuckDBVector.setItem` + `flush`: that path turns every BLOB into a
 * `DuckDBBlobValue`, every VARCHAR into a JS string (which the binding encodes
 * back to UTF-8), every BIGINT into a BigInt, and keeps a per-row cache. At
 * millions of rows per second those costs are most of the scan. Here we use the
 * same low-level bindings that @duckdb/node-api is built on (resolved through
 * node-api itself, so the versions always match):
 *   - VARCHAR and BLOB: one `vector_assign_string_element_len` per row, straight
 *     from the Holt `Buffer` (no string round trip);
 *   - BIGINT and BOOLEAN: staged in a reused typed array, copied once per chunk;
 *   - validity (NULLs): a reused bitmask, copied once per chunk, only when the
 *     chunk has a NULL in the column or the previous chunk had one.
 *
 * A VARCHAR must be valid UTF-8: callers check with `isUtf8` first (see
 * holt-scan.ts for what the `key` column holds for binary keys).
 */
import { createRequire } from 'node:module';
import type { DuckDBDataChunk } from '@duckdb/node-api';

/** The part of @duckdb/node-bindings this module uses. */
interface VectorBindings {
  data_chunk_get_vector(chunk: unknown, columnIndex: number): unknown;
  vector_assign_string_element_len(vector: unknown, index: number, data: Uint8Array): void;
  vector_ensure_validity_writable(vector: unknown): void;
  copy_data_to_vector(vector: unknown, targetOffset: number, source: ArrayBufferLike, sourceOffset: number, byteCount: number): void;
  copy_data_to_vector_validity(vector: unknown, targetOffset: number, source: ArrayBufferLike, sourceOffset: number, byteCount: number): void;
  sizeof_bool: number;
}

const requireHere = createRequire(import.meta.url);
const bindings = createRequire(requireHere.resolve('@duckdb/node-api'))('@duckdb/node-bindings') as VectorBindings;

if (bindings.sizeof_bool !== 1) throw new Error('holt/duckdb: unsupported platform (sizeof(bool) != 1)');

/** Rows per chunk DuckDB hands a table function (STANDARD_VECTOR_SIZE). */
export const CHUNK_ROWS = 2048;
const VALIDITY_WORDS = CHUNK_ROWS / 32;
const TWO_32 = 4294967296;

export type ColumnKind = 'bytes' | 'bigint' | 'boolean';

export class ColumnWriter {
  readonly kind: ColumnKind;
  private vector: unknown = null;
  private readonly validity = new Uint32Array(VALIDITY_WORDS);
  private nulls = 0;
  private hadNulls = false;
  /** BIGINT staging as little-endian int32 pairs; BOOLEAN staging as bytes. */
  private readonly ints: Int32Array | null;
  private readonly bools: Uint8Array | null;

  constructor(kind: ColumnKind) {
    this.kind = kind;
    this.ints = kind === 'bigint' ? new Int32Array(CHUNK_ROWS * 2) : null;
    this.bools = kind === 'boolean' ? new Uint8Array(CHUNK_ROWS) : null;
  }

  /** Start a chunk: bind to output column `columnIndex` of `chunk`. */
  begin(chunk: DuckDBDataChunk, columnIndex: number): void {
    this.vector = bindings.data_chunk_get_vector(chunk.chunk, columnIndex);
    this.hadNulls = this.nulls > 0;
    this.nulls = 0;
  }

  /** Row `row` is bytes (VARCHAR or BLOB column). The bytes are copied now. */
  bytes(row: number, data: Uint8Array): void {
    bindings.vector_assign_string_element_len(this.vector, row, data);
  }

  /** Row `row` is a safe integer (BIGINT column). */
  bigint(row: number, n: number): void {
    const ints = this.ints!;
    ints[row * 2] = n % TWO_32 | 0;
    ints[row * 2 + 1] = Math.floor(n / TWO_32) | 0;
  }

  /** Row `row` is a boolean (BOOLEAN column). */
  boolean(row: number, b: boolean): void {
    this.bools![row] = b ? 1 : 0;
  }

  /** Row `row` is NULL. */
  null(row: number): void {
    if (this.nulls === 0) this.validity.fill(0xffffffff);
    this.nulls++;
    this.validity[row >>> 5]! &= ~(1 << (row & 31));
    if (this.ints !== null) { this.ints[row * 2] = 0; this.ints[row * 2 + 1] = 0; }
    if (this.bools !== null) this.bools[row] = 0;
  }

  /** Finish the chunk of `rows` rows: copy staged data and validity into the vector. */
  end(rows: number): void {
    const v = this.vector;
    if (this.ints !== null && rows > 0) bindings.copy_data_to_vector(v, 0, this.ints.buffer, 0, rows * 8);
    if (this.bools !== null && rows > 0) bindings.copy_data_to_vector(v, 0, this.bools.buffer, 0, rows);
    if (this.nulls > 0 || this.hadNulls) {
      if (this.nulls === 0) this.validity.fill(0xffffffff);
      bindings.vector_ensure_validity_writable(v);
      bindings.copy_data_to_vector_validity(v, 0, this.validity.buffer, 0, VALIDITY_WORDS * 4);
    }
    this.vector = null;
  }
}
