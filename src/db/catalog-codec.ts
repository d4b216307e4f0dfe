/**
 * Bytes of the catalog tree: one record per tree plus the next-id record. The catalog
 * is an ordinary Holt tree (id CATALOG_TREE_ID), so these are plain keys and values.
 *
 * Keys. A one-byte tag keeps the three kinds apart; live trees are keyed by name and
 * dropped trees by id, so a new live tree and older dropped trees of the same name
 * coexist (see catalog-state.ts). No catalog key contains a 0x00 byte, so the key
 * terminator rule (holt-facts §1.7) can never make one key a strict prefix of another.
 *
 *   next-id   0x01 "next-tree-id"                     13 bytes
 *   live      0x02 name (UTF-8, 1..255 bytes)         2..256 bytes
 *   dropped   0x03 id as 16 lowercase hex digits      17 bytes (fixed width: sorts by id)
 *
 * Entry value (live and dropped):
 *
 *   off  size  field
 *     0     4  magic "hcat"
 *     4     1  version = 1
 *     5     1  state: 1 = live, 2 = dropped
 *     6     2  reserved, zero
 *     8     8  tree id, u64 little-endian
 *    16     1  name length n, 1..255
 *    17     n  name, UTF-8
 *
 * The name is stored for dropped entries (whose key holds only the id) and, for
 * uniformity and as a cross-check, for live ones too.
 *
 * Next-id value:
 *
 *   off  size  field
 *     0     4  magic "hnxt"
 *     4     1  version = 1
 *     5     3  reserved, zero
 *     8     8  next tree id, u64 little-endian
 *    16        (end)
 *
 * Decoding anything that does not match exactly (length, magic, version, reserved
 * bytes, state, key kind vs. state, id rules of tree-ids.ts, name rules) fails with
 * CORRUPT. A dropped tree read back is not reclaimable: the reader cannot know whether
 * a checkpoint covered the drop, so it waits for the next one.
 */
import { HoltError } from '../errors.js';
import {
  type CatalogEntry,
  type CatalogState,
  type DroppedTree,
  MAX_TREE_NAME_BYTES,
  assertCatalogInvariants,
  catalogEntries,
  emptyCatalog,
  treeNameError,
} from './catalog-state.js';
import { isUserTreeId, isValidNextId } from './tree-ids.js';

export const KEY_TAG_NEXT_ID = 0x01;
export const KEY_TAG_LIVE = 0x02;
export const KEY_TAG_DROPPED = 0x03;
export const NEXT_ID_KEY_SUFFIX = 'next-tree-id';
export const DROPPED_KEY_ID_DIGITS = 16;

export const ENTRY_MAGIC = 'hcat';
export const NEXT_ID_MAGIC = 'hnxt';
export const CATALOG_FORMAT_VERSION = 1;
export const STATE_BYTE_LIVE = 1;
export const STATE_BYTE_DROPPED = 2;

export const OFF_MAGIC = 0;
export const OFF_VERSION = 4;
export const OFF_STATE = 5;
export const OFF_ENTRY_RESERVED = 6;
export const OFF_NEXT_ID_RESERVED = 5;
export const OFF_ID = 8;
export const OFF_NAME_LEN = 16;
export const OFF_NAME = 17;
export const NEXT_ID_VALUE_SIZE = 16;

export type CatalogKey =
  | { readonly kind: 'next-id' }
  | { readonly kind: 'live'; readonly name: string }
  | { readonly kind: 'dropped'; readonly id: number };

export type CatalogRecord =
  | { readonly kind: 'entry'; readonly entry: CatalogEntry }
  | { readonly kind: 'next-id'; readonly nextId: number };

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export function encodeCatalogKey(key: CatalogKey): Uint8Array {
  switch (key.kind) {
    case 'next-id':
      return Buffer.concat([Buffer.of(KEY_TAG_NEXT_ID), Buffer.from(NEXT_ID_KEY_SUFFIX, 'latin1')]);
    case 'live':
      return Buffer.concat([Buffer.of(KEY_TAG_LIVE), nameBytes(key.name)]);
    case 'dropped':
      return Buffer.concat([Buffer.of(KEY_TAG_DROPPED), Buffer.from(idHex(key.id), 'latin1')]);
  }
}

export function decodeCatalogKey(bytes: Uint8Array): CatalogKey {
  if (bytes.length === 0) throw corrupt('empty catalog key');
  const rest = bytes.subarray(1);
  switch (bytes[0]) {
    case KEY_TAG_NEXT_ID:
      if (Buffer.from(rest).toString('latin1') !== NEXT_ID_KEY_SUFFIX) throw corrupt('bad next-id key');
      return { kind: 'next-id' };
    case KEY_TAG_LIVE:
      return { kind: 'live', name: decodeName(rest, 'live key') };
    case KEY_TAG_DROPPED:
      return { kind: 'dropped', id: decodeIdHex(rest) };
    default:
      throw corrupt(`unknown catalog key tag 0x${bytes[0]!.toString(16).padStart(2, '0')}`);
  }
}

/** The key and value that store `entry`. Throws INVALID_ARGUMENT for an entry that breaks the rules. */
export function encodeCatalogEntry(entry: CatalogEntry): KeyValue {
  const bytes = nameBytes(entry.name);
  if (!isUserTreeId(entry.id)) throw new HoltError('INVALID_ARGUMENT', `invalid tree id ${String(entry.id)}`);
  let stateByte: number;
  if (entry.state === 'live') stateByte = STATE_BYTE_LIVE;
  else if (entry.state === 'dropped') stateByte = STATE_BYTE_DROPPED;
  else throw new HoltError('INVALID_ARGUMENT', `invalid tree state ${JSON.stringify(entry.state)}`);
  const value = Buffer.alloc(OFF_NAME + bytes.length);
  value.write(ENTRY_MAGIC, OFF_MAGIC, 'latin1');
  value[OFF_VERSION] = CATALOG_FORMAT_VERSION;
  value[OFF_STATE] = stateByte;
  value.writeBigUInt64LE(BigInt(entry.id), OFF_ID);
  value[OFF_NAME_LEN] = bytes.length;
  value.set(bytes, OFF_NAME);
  const key = entry.state === 'live' ? encodeCatalogKey({ kind: 'live', name: entry.name }) : encodeCatalogKey({ kind: 'dropped', id: entry.id });
  return { key, value };
}

export function decodeCatalogEntry(key: Uint8Array, value: Uint8Array): CatalogEntry {
  const record = decodeCatalogRecord(key, value);
  if (record.kind !== 'entry') throw corrupt('expected a tree entry, found the next-id record');
  return record.entry;
}

export function encodeNextIdRecord(nextId: number): KeyValue {
  if (!isValidNextId(nextId)) throw new HoltError('INVALID_ARGUMENT', `invalid next tree id ${String(nextId)}`);
  const value = Buffer.alloc(NEXT_ID_VALUE_SIZE);
  value.write(NEXT_ID_MAGIC, OFF_MAGIC, 'latin1');
  value[OFF_VERSION] = CATALOG_FORMAT_VERSION;
  value.writeBigUInt64LE(BigInt(nextId), OFF_ID);
  return { key: encodeCatalogKey({ kind: 'next-id' }), value };
}

export function decodeNextIdValue(value: Uint8Array): number {
  const v = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (v.length !== NEXT_ID_VALUE_SIZE) throw corrupt(`next-id value is ${v.length} bytes, expected ${NEXT_ID_VALUE_SIZE}`);
  checkHeader(v, NEXT_ID_MAGIC, 'next-id value');
  if (v[OFF_NEXT_ID_RESERVED] !== 0 || v[OFF_NEXT_ID_RESERVED + 1] !== 0 || v[OFF_NEXT_ID_RESERVED + 2] !== 0) throw corrupt('next-id value: reserved bytes are not zero');
  const nextId = readU64(v, OFF_ID, 'next-id value');
  if (!isValidNextId(nextId)) throw corrupt(`next-id value: invalid next tree id ${nextId}`);
  return nextId;
}

/** Decodes any catalog record; the key decides which kind is expected. */
export function decodeCatalogRecord(key: Uint8Array, value: Uint8Array): CatalogRecord {
  const k = decodeCatalogKey(key);
  if (k.kind === 'next-id') return { kind: 'next-id', nextId: decodeNextIdValue(value) };
  const v = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (v.length < OFF_NAME + 1) throw corrupt(`entry value is ${v.length} bytes, too short`);
  checkHeader(v, ENTRY_MAGIC, 'entry value');
  if (v[OFF_ENTRY_RESERVED] !== 0 || v[OFF_ENTRY_RESERVED + 1] !== 0) throw corrupt('entry value: reserved bytes are not zero');
  const id = readU64(v, OFF_ID, 'entry value');
  if (!isUserTreeId(id)) throw corrupt(`entry value: invalid tree id ${id}`);
  const nameLength = v[OFF_NAME_LEN]!;
  if (v.length !== OFF_NAME + nameLength) throw corrupt(`entry value is ${v.length} bytes, name length says ${OFF_NAME + nameLength}`);
  const name = decodeName(v.subarray(OFF_NAME), 'entry value');
  const stateByte = v[OFF_STATE];
  if (k.kind === 'live') {
    if (stateByte !== STATE_BYTE_LIVE) throw corrupt(`live key holds state ${String(stateByte)}`);
    if (k.name !== name) throw corrupt(`live key names "${k.name}" but its value names "${name}"`);
    return { kind: 'entry', entry: { name, id, state: 'live' } };
  }
  if (stateByte !== STATE_BYTE_DROPPED) throw corrupt(`dropped key holds state ${String(stateByte)}`);
  if (k.id !== id) throw corrupt(`dropped key holds id ${k.id} but its value holds id ${id}`);
  return { kind: 'entry', entry: { name, id, state: 'dropped' } };
}

/** Every record that stores `state`, in key byte order (next-id, live by name, dropped by id). */
export function encodeCatalog(state: CatalogState): KeyValue[] {
  const records = [encodeNextIdRecord(state.nextId), ...catalogEntries(state).map(encodeCatalogEntry)];
  return records.sort((a, b) => Buffer.compare(a.key, b.key));
}

/**
 * Rebuilds a state from the catalog tree's records (any order). No records at all is a
 * fresh catalog. Duplicates, a missing next-id record or a broken invariant → CORRUPT.
 */
export function decodeCatalog(records: Iterable<KeyValue>): CatalogState {
  const live = new Map<string, number>();
  const dropped = new Map<number, DroppedTree>();
  let nextId: number | undefined;
  let count = 0;
  for (const { key, value } of records) {
    count++;
    const record = decodeCatalogRecord(key, value);
    if (record.kind === 'next-id') {
      if (nextId !== undefined) throw corrupt('two next-id records');
      nextId = record.nextId;
    } else if (record.entry.state === 'live') {
      if (live.has(record.entry.name)) throw corrupt(`two live entries named "${record.entry.name}"`);
      live.set(record.entry.name, record.entry.id);
    } else {
      if (dropped.has(record.entry.id)) throw corrupt(`two dropped entries with id ${record.entry.id}`);
      dropped.set(record.entry.id, { name: record.entry.name, reclaimable: false });
    }
  }
  if (count === 0) return emptyCatalog();
  if (nextId === undefined) throw corrupt('tree entries without a next-id record');
  const state: CatalogState = { live, dropped, nextId };
  assertCatalogInvariants(state);
  return state;
}

function nameBytes(name: string): Buffer {
  const error = treeNameError(name);
  if (error !== undefined) throw error;
  return Buffer.from(name, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeName(bytes: Uint8Array, where: string): string {
  if (bytes.length === 0 || bytes.length > MAX_TREE_NAME_BYTES) throw corrupt(`${where}: name is ${bytes.length} bytes`);
  let name: string;
  try {
    name = utf8.decode(bytes);
  } catch {
    throw corrupt(`${where}: name is not valid UTF-8`);
  }
  const error = treeNameError(name);
  if (error !== undefined) throw corrupt(`${where}: ${error.message}`);
  return name;
}

function idHex(id: number): string {
  if (!isUserTreeId(id)) throw new HoltError('INVALID_ARGUMENT', `invalid tree id ${String(id)}`);
  return id.toString(16).padStart(DROPPED_KEY_ID_DIGITS, '0');
}

const HEX_ID = /^[0-9a-f]{16}$/;

function decodeIdHex(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString('latin1');
  if (!HEX_ID.test(text)) throw corrupt('dropped key: id is not 16 lowercase hex digits');
  const id = BigInt(`0x${text}`);
  if (id > BigInt(Number.MAX_SAFE_INTEGER) || !isUserTreeId(Number(id))) throw corrupt(`dropped key: invalid tree id ${id}`);
  return Number(id);
}

function checkHeader(v: Buffer, magic: string, where: string): void {
  if (v.toString('latin1', OFF_MAGIC, OFF_MAGIC + 4) !== magic) throw corrupt(`${where}: bad magic`);
  if (v[OFF_VERSION] !== CATALOG_FORMAT_VERSION) throw corrupt(`${where}: unsupported version ${String(v[OFF_VERSION])}`);
}

function readU64(v: Buffer, offset: number, where: string): number {
  const n = v.readBigUInt64LE(offset);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${where}: id ${n} is beyond the safe integer range`);
  return Number(n);
}

function corrupt(message: string): HoltError {
  return new HoltError('CORRUPT', `catalog: ${message}`);
}
