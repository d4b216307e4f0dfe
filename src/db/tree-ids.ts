/**
 * Tree ids: the number a DB uses to name a tree in the WAL, in the catalog and in the
 * root GUID of the tree's first frame.
 *
 * Rules (holt-facts §10.1, §11.14):
 * - Ids are safe integers allocated monotonically from 1 and never reused, not even
 *   after the tree that held one has been dropped and finalized.
 * - 0 is never a tree id: the WAL uses tree id 0 in its header and as the outer id of a
 *   multi-tree batch record, so it must stay free to mean "no single tree".
 * - CATALOG_TREE_ID is the catalog's own tree and is never handed out. The original
 *   uses the u64 0x686F6C7464620001, which does not fit a JS number exactly; we keep the
 *   idea (a large, recognisable constant inside the allocation range, skipped in place)
 *   with the 48-bit value 0x686F6C746462, whose bytes spell "holtdb". Keeping it inside
 *   the range, rather than at 0, keeps the skip rule live and tested.
 * - Allocation skips the reserved id: when `id + 1` would be CATALOG_TREE_ID the next id
 *   is `id + 2`. So `nextId` never equals CATALOG_TREE_ID.
 */
import { HoltError } from '../errors.js';

/** The catalog tree's own id ("holtdb" in its six bytes). Never allocated to a user tree. */
export const CATALOG_TREE_ID = 0x686f_6c74_6462;

/** The first id a fresh catalog hands out. */
export const FIRST_TREE_ID = 1;

/**
 * The largest id that can be allocated. One below MAX_SAFE_INTEGER so that the
 * following `nextId` is still a safe integer.
 */
export const MAX_TREE_ID = Number.MAX_SAFE_INTEGER - 1;

/** True for an id a user tree may carry: a safe integer in [1, MAX_TREE_ID], not the catalog's. */
export function isUserTreeId(id: unknown): id is number {
  return (
    typeof id === 'number' &&
    Number.isSafeInteger(id) &&
    id >= FIRST_TREE_ID &&
    id <= MAX_TREE_ID &&
    id !== CATALOG_TREE_ID
  );
}

/**
 * True for a value `nextId` may hold: a safe integer ≥ 1 that is not the catalog id
 * (MAX_TREE_ID + 1 is allowed and means the id space is exhausted).
 */
export function isValidNextId(nextId: unknown): nextId is number {
  return (
    typeof nextId === 'number' &&
    Number.isSafeInteger(nextId) &&
    nextId >= FIRST_TREE_ID &&
    nextId !== CATALOG_TREE_ID
  );
}

/** The id that follows `id` in allocation order: `id + 1`, or `id + 2` to skip the catalog id. */
export function successorTreeId(id: number): number {
  const next = id + 1;
  return next === CATALOG_TREE_ID ? next + 1 : next;
}

/**
 * Hands out `nextId` and returns the advanced counter. Pure: the caller stores the new
 * `nextId`. Fails with INVALID_ARGUMENT for a counter that breaks the rules above and
 * with INTERNAL once the id space is exhausted (after 2^53 - 3 creates).
 */
export function allocateTreeId(nextId: number): { id: number; nextId: number } {
  if (!isValidNextId(nextId)) {
    throw new HoltError('INVALID_ARGUMENT', `invalid next tree id ${String(nextId)}`);
  }
  if (nextId > MAX_TREE_ID) {
    throw new HoltError('INTERNAL', 'tree id space exhausted');
  }
  return { id: nextId, nextId: successorTreeId(nextId) };
}
