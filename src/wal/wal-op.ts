/**
 * The logical operations the WAL records. One record holds one op; a `batch`
 * holds several ops (possibly across trees) that commit or vanish together.
 *
 * Versions: a record carries a sequence number `seq`. A single op's version is
 * the record's seq; op i of a batch has version `seq + i`, so a batch of n ops
 * uses n consecutive seqs.
 *
 * `treeId` is a non-negative safe integer, stored as u64 LE on disk so the tree
 * id space never has to change format.
 */

import { HoltError } from '../errors.js';

export interface WalPut {
  type: 'put';
  treeId: number;
  key: Uint8Array;
  value: Uint8Array;
}

export interface WalDelete {
  type: 'delete';
  treeId: number;
  key: Uint8Array;
}

export interface WalRename {
  type: 'rename';
  treeId: number;
  from: Uint8Array;
  to: Uint8Array;
  /** Replace a live destination. */
  overwrite: boolean;
}

/** An op that can appear on its own or inside a batch. */
export type WalSingleOp = WalPut | WalDelete | WalRename;

/** A cross-tree atomic batch: one record, all ops or none on replay. Never nested, never empty. */
export interface WalBatch {
  type: 'batch';
  ops: WalSingleOp[];
}

export type WalOp = WalSingleOp | WalBatch;

/** One decoded record: its first seq, its op, and where it starts in the file. */
export interface WalRecord {
  seq: number;
  op: WalOp;
  /** Byte offset of the record's first byte in the WAL file. */
  offset: number;
}

/** How many seqs (versions) an op uses: 1, or the op count of a batch. */
export function seqCount(op: WalOp): number {
  return op.type === 'batch' ? op.ops.length : 1;
}

function isTreeId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkSingle(op: WalSingleOp): void {
  if (!isTreeId(op.treeId)) {
    throw new HoltError('INVALID_ARGUMENT', `WAL op treeId must be a non-negative safe integer, got ${String(op.treeId)}`);
  }
  switch (op.type) {
    case 'put':
      if (!(op.key instanceof Uint8Array) || !(op.value instanceof Uint8Array)) {
        throw new HoltError('INVALID_ARGUMENT', 'WAL put needs Uint8Array key and value');
      }
      return;
    case 'delete':
      if (!(op.key instanceof Uint8Array)) throw new HoltError('INVALID_ARGUMENT', 'WAL delete needs a Uint8Array key');
      return;
    case 'rename':
      if (!(op.from instanceof Uint8Array) || !(op.to instanceof Uint8Array) || typeof op.overwrite !== 'boolean') {
        throw new HoltError('INVALID_ARGUMENT', 'WAL rename needs Uint8Array from/to and a boolean overwrite');
      }
      return;
    default:
      throw new HoltError('INVALID_ARGUMENT', `unknown WAL op type ${String((op as { type: unknown }).type)}`);
  }
}

/**
 * Throws INVALID_ARGUMENT when `op` is not something the codec can encode:
 * bad tree id, non-byte keys, an empty or nested batch, an unknown type.
 */
export function validateWalOp(op: WalOp): void {
  if (op === null || typeof op !== 'object') throw new HoltError('INVALID_ARGUMENT', 'WAL op must be an object');
  if (op.type !== 'batch') return checkSingle(op);
  if (!Array.isArray(op.ops) || op.ops.length === 0) {
    throw new HoltError('INVALID_ARGUMENT', 'WAL batch must hold at least one op');
  }
  for (const inner of op.ops) {
    if (inner === null || typeof inner !== 'object' || (inner as { type: unknown }).type === 'batch') {
      throw new HoltError('INVALID_ARGUMENT', 'WAL batches cannot nest');
    }
    checkSingle(inner);
  }
}
