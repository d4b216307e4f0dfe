/**
 * Rename: move a record to another key under a new version. The one rename
 * verb: `Tree.rename`, atomic batches and WAL replay all go through it, so
 * they agree on every edge case.
 *
 * `checkRename` decides, changing nothing, so that the Tree facade can throw
 * and log before the tree changes; `moveRecord` then moves the record (erase,
 * then insert with the new version). The check's walk to the source is the
 * erase's first half (findForErase), so the move does not walk to it again. `renameRecord` does both, for callers
 * that have nothing to do in between (batch apply, replay).
 */
import type { Frame } from '../layout/frame.js';
import { eraseFound, outEraseTarget, findForErase } from './erase.js';
import { insert } from './insert.js';
import { findLeaf } from './lookup.js';
import { leafValue } from './read-leaf.js';
import type { TreeCore } from './tree-core.js';

/** The rename applies: the source exists, the keys differ, the destination is free or may be replaced. */
export const RENAME_APPLIES = 0;
/** The source key does not exist. */
export const RENAME_MISSING = 1;
/** Source and destination are the same key: nothing moves. `outRenameSource` names the source leaf. */
export const RENAME_SAME_KEY = 2;
/** The destination exists and `overwrite` was not set. */
export const RENAME_EXISTS = 3;

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `checkRename`: the source leaf it
 * found, read by `moveRecord` and by the caller after RENAME_SAME_KEY;
 * valid until the tree changes.
 */
export const outRenameSource = { frame: null as unknown as Frame, leaf: 0 };

/** Whether renaming `from[0..fromLen)` to `to[0..toLen)` applies (one of the RENAME_* codes). Changes nothing. */
export function checkRename(
  core: TreeCore, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, overwrite: boolean,
): number {
  if (!findForErase(core, from, fromLen)) return RENAME_MISSING;
  outRenameSource.frame = outEraseTarget.frame;
  outRenameSource.leaf = outEraseTarget.leaf;
  if (fromLen === toLen && sameBytes(from, to, fromLen)) return RENAME_SAME_KEY;
  if (!overwrite && findLeaf(core, to, toLen)) return RENAME_EXISTS;
  return RENAME_APPLIES;
}

/**
 * Move the record at `from` to `to` with `version`. Only after `checkRename`
 * returned RENAME_APPLIES with no write to the tree since (it removes the
 * source leaf that call found, by the path it walked).
 */
export function moveRecord(
  core: TreeCore, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, version: number,
): void {
  // A copy: erasing the source frees the bytes the value sits in.
  const value = leafValue(outRenameSource.frame, outRenameSource.leaf);
  outRenameSource.frame = null as unknown as Frame;
  eraseFound(core);
  insert(core, to, toLen, value, value.length, version);
}

/** `checkRename`, then `moveRecord` when it applies. Returns the check's RENAME_* code. */
export function renameRecord(
  core: TreeCore, from: Uint8Array, fromLen: number, to: Uint8Array, toLen: number, overwrite: boolean, version: number,
): number {
  const outcome = checkRename(core, from, fromLen, to, toLen, overwrite);
  if (outcome === RENAME_APPLIES) moveRecord(core, from, fromLen, to, toLen, version);
  return outcome;
}

function sameBytes(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}
