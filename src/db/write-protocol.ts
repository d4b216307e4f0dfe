/**
 * The write protocol, written once: log, then apply, then afterWrite.
 *
 * 1. Log the change. The log gives it its version (versions come from the
 *    log's sequence, so they are unique across restarts); in 'sync'
 *    durability the record is durable before the tree changes. An append
 *    that throws (RECORD_TOO_LARGE, NO_SPACE, ...) records nothing, and the
 *    tree is left as it was.
 * 2. Apply it to the tree through the walker, with that version.
 * 3. Tell the log a write is done: the store counts writes to schedule
 *    checkpoints. Nothing is synced here.
 *
 * Every write of a Tree handle and every atomic batch goes through here, once
 * the host has checked that the write is allowed (TreeHost.writable). Replay
 * (log-redo.ts) applies records that are already logged, so it only applies.
 */
import { HoltError } from '../errors.js';
import { insert } from '../art/insert.js';
import { erase, eraseFound } from '../art/erase.js';
import { moveRecord } from '../art/rename.js';
import type { FramePager } from '../store/frame-pager.js';
import type { AtomicOp, AtomicResult } from '../shapes/batch.js';
import { applyBatch, batchWalOps, evaluateBatch } from './atomic-apply.js';
import type { DbLog } from './db-log.js';
import { liveTreeId } from './catalog-state.js';
import type { StoreHost, TreeState } from './tree-state.js';

export class WriteProtocol {
  private readonly log: DbLog;
  private readonly pager: FramePager;

  constructor(log: DbLog, pager: FramePager) {
    this.log = log;
    this.pager = pager;
  }

  /** Put the first `keyLen` bytes of `key` -> the first `valueLen` of `value`; returns its version. */
  put(state: TreeState, key: Uint8Array, keyLen: number, value: Uint8Array, valueLen: number): number {
    const version = this.log.appendPut(state.id, key, keyLen, value, valueLen);
    insert(state.core, key, keyLen, value, valueLen, version);
    this.log.afterWrite();
    return version;
  }

  /** Delete `key[0..keyLen)`, which is present. */
  delete(state: TreeState, key: Uint8Array, keyLen: number): void {
    this.log.append({ type: 'delete', treeId: state.id, key: key.subarray(0, keyLen) });
    erase(state.core, key, keyLen);
    this.log.afterWrite();
  }

  /** Delete `key[0..keyLen)`, the leaf `findForErase` just found (one walk for the find and the delete). */
  deleteFound(state: TreeState, key: Uint8Array, keyLen: number): void {
    this.log.append({ type: 'delete', treeId: state.id, key: key.subarray(0, keyLen) });
    eraseFound(state.core);
    this.log.afterWrite();
  }

  /** Move the record at `from` to `to` (checked by `checkRename`); returns the new version. */
  rename(state: TreeState, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, overwrite: boolean): number {
    const version = this.log.append({ type: 'rename', treeId: state.id, from: from.subarray(0, fromLen), to: to.subarray(0, toLen), overwrite });
    moveRecord(state.core, from, fromLen, to, toLen, version);
    this.log.afterWrite();
    return version;
  }

  /**
   * An atomic batch on the live trees of `host` its ops name (TREE_NOT_FOUND
   * if one is missing): every guard is evaluated first, and only a batch that
   * passes is logged, as one record (a crash shows all of it or none), and
   * applied with consecutive versions.
   */
  batch(host: StoreHost, ops: readonly AtomicOp[]): AtomicResult {
    if (ops.length === 0) return { ok: true, versions: [] };
    const trees = ops.map((op) => {
      const t = host.trees.get(liveTreeId(host.catalog, op.tree) ?? -1);
      if (t === undefined) throw new HoltError('TREE_NOT_FOUND', `no tree named ${JSON.stringify(op.tree)}`);
      return t;
    });
    const failure = evaluateBatch(ops, trees);
    if (failure !== undefined) return { ok: false, failure };
    for (const t of trees) this.pager.versions.preserveTree(t.core);
    const walOps = batchWalOps(ops, trees);
    // A batch of guards only logs nothing and uses no version.
    const first = walOps.length === 0 ? 0 : this.log.append({ type: 'batch', ops: walOps });
    const versions = applyBatch(ops, trees, first);
    this.log.afterWrite();
    return { ok: true, versions };
  }
}
