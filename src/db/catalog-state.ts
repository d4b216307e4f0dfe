/**
 * The DB catalog as a small pure state machine: which trees exist, under which name
 * and id, and in which state. No I/O here; the DB layer persists the state through
 * catalog-codec.ts and applies the same transitions on replay.
 *
 * Life of a tree (holt-facts §10.2, with one deliberate change, see "Name reuse"):
 *
 *   Missing --create--> Live --drop--> Dropped --checkpoint--> Dropped(reclaimable)
 *                                                                  |
 *                                    Missing (entry gone) <--finalize(id)
 *
 * - Live: visible to `open` and `list`.
 * - Dropped: hidden from `open` and `list` at once; the DB fences open handles with
 *   TREE_DROPPED (see `treeHandleError`). Its frames are still on disk and its WAL
 *   records may still be replayed, so its space must not be reused yet.
 * - Dropped(reclaimable): a checkpoint completed after the drop, so no WAL record of
 *   the tree survives and replay can no longer write into its frames. Only now may
 *   `finalize(id)` remove the entry and let the DB reclaim the frames. Finalizing a
 *   drop that no checkpoint has covered fails with INVALID_ARGUMENT.
 *
 * Representation: live trees are keyed by name (`live: name → id`), dropped trees by id
 * (`dropped: id → { name, reclaimable }`). Keying dropped trees by id is what allows
 * **name reuse**: a name whose only entries are Dropped can be created again at once and
 * gets a NEW id and an empty tree, while the old tree waits for finalization. (The Rust
 * original answers TREE_EXISTS until the old tree is finalized; that makes a name
 * unusable for up to a checkpoint interval, which we do not want.) The catalog codec
 * keeps the two kinds under different key prefixes for the same reason.
 *
 * Ids come from tree-ids.ts: monotonic from 1, never reused, never CATALOG_TREE_ID.
 *
 * `applyCatalogOp` never mutates its input: it returns a new state (or the same object
 * when nothing changed) plus a result, or an error and no state. The maps of the
 * states it builds are PersistentMaps, so a create or drop costs O(1), not a copy of
 * every name (a catalog may hold 100,000 trees).
 */
import { HoltError } from '../errors.js';
import { CATALOG_TREE_ID, FIRST_TREE_ID, allocateTreeId, isUserTreeId, isValidNextId } from './tree-ids.js';
import { PersistentMap } from './persistent-map.js';

/** Longest tree name in UTF-8 bytes. */
export const MAX_TREE_NAME_BYTES = 255;

export type TreeState = 'live' | 'dropped';

/** A dropped tree awaiting finalization. */
export interface DroppedTree {
  readonly name: string;
  /** A checkpoint has completed since the drop; `finalize` is allowed. */
  readonly reclaimable: boolean;
}

export interface CatalogState {
  /** Live trees: name → id. At most one live tree per name, by construction. */
  readonly live: ReadonlyMap<string, number>;
  /** Dropped trees awaiting finalization: id → entry. Several may share a name. */
  readonly dropped: ReadonlyMap<number, DroppedTree>;
  /** The id the next create receives. Greater than every id ever handed out. */
  readonly nextId: number;
}

/** One catalog entry, flattened: what the codec stores and what `catalogEntries` yields. */
export interface CatalogEntry {
  readonly name: string;
  readonly id: number;
  readonly state: TreeState;
}

export type CatalogOp =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'drop'; readonly name: string }
  | { readonly kind: 'open'; readonly name: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'checkpoint' }
  | { readonly kind: 'finalize'; readonly id: number };

/** The result of each op kind. */
export interface CatalogOpResults {
  create: { readonly id: number };
  drop: { readonly id: number };
  open: { readonly id: number };
  /** Live names in UTF-8 byte order (the order of the catalog tree). */
  list: { readonly names: readonly string[] };
  /** Ids of every dropped tree that may now be finalized, ascending. */
  checkpoint: { readonly reclaimable: readonly number[] };
  /** The name the finalized tree had. */
  finalize: { readonly name: string };
}

export type CatalogOpKind = CatalogOp['kind'];

export type CatalogStep<K extends CatalogOpKind = CatalogOpKind> =
  | { readonly ok: true; readonly state: CatalogState; readonly result: CatalogOpResults[K] }
  | { readonly ok: false; readonly error: HoltError };

/** A catalog with no trees; ids start at FIRST_TREE_ID. */
export function emptyCatalog(): CatalogState {
  return { live: new PersistentMap(), dropped: new PersistentMap(), nextId: FIRST_TREE_ID };
}

/**
 * Why `name` is not a valid tree name, or undefined when it is. Valid: a string of
 * 1..255 UTF-8 bytes, no NUL, no lone surrogate (which UTF-8 cannot encode, so two
 * different strings would map to the same bytes).
 */
export function treeNameError(name: unknown): HoltError | undefined {
  if (typeof name !== 'string') return invalidName(`tree name must be a string, got ${typeof name}`);
  if (name.length === 0) return invalidName('tree name must not be empty');
  if (name.includes('\0')) return invalidName('tree name must not contain NUL');
  if (LONE_SURROGATE.test(name)) return invalidName('tree name is not well-formed UTF-16');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_TREE_NAME_BYTES) {
    return invalidName(`tree name is ${bytes} UTF-8 bytes, at most ${MAX_TREE_NAME_BYTES} allowed`);
  }
  return undefined;
}

/** Throws INVALID_ARGUMENT unless `name` is a valid tree name. */
export function assertTreeName(name: unknown): asserts name is string {
  const error = treeNameError(name);
  if (error !== undefined) throw error;
}

/** Orders names as the catalog tree does: by UTF-8 bytes (= by code point). */
export function compareTreeNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Applies one op. Pure: `state` is never modified. */
export function applyCatalogOp<K extends CatalogOpKind>(
  state: CatalogState,
  op: Extract<CatalogOp, { kind: K }>,
): CatalogStep<K>;
export function applyCatalogOp(state: CatalogState, op: CatalogOp): CatalogStep {
  switch (op.kind) {
    case 'create':
      return create(state, op.name);
    case 'drop':
      return drop(state, op.name);
    case 'open':
      return open(state, op.name);
    case 'list':
      return { ok: true, state, result: { names: listNames(state) } };
    case 'checkpoint':
      return checkpoint(state);
    case 'finalize':
      return finalize(state, op.id);
    default:
      return fail('INVALID_ARGUMENT', `unknown catalog op ${JSON.stringify((op as { kind?: unknown }).kind)}`);
  }
}

/**
 * Like `applyCatalogOp`, but throws the error and returns `{ state, result }`.
 */
export function applyCatalogOpOrThrow<K extends CatalogOpKind>(
  state: CatalogState,
  op: Extract<CatalogOp, { kind: K }>,
): { state: CatalogState; result: CatalogOpResults[K] } {
  const step = applyCatalogOp<K>(state, op);
  if (!step.ok) throw step.error;
  return { state: step.state, result: step.result };
}

/** The live id of `name`, or undefined. */
export function liveTreeId(state: CatalogState, name: string): number | undefined {
  return state.live.get(name);
}

/**
 * The error a handle for tree `id` must raise now, or undefined while the tree is live.
 * A dropped or finalized tree gives TREE_DROPPED, whatever is live under its old name.
 * Linear in the number of live trees: meant for open and for rare checks, not for every
 * tree operation (the DB fences handles by flagging their runtime at drop time).
 */
export function treeHandleError(state: CatalogState, id: number): HoltError | undefined {
  for (const liveId of state.live.values()) if (liveId === id) return undefined;
  const dropped = state.dropped.get(id);
  const what = dropped === undefined ? `tree ${id}` : `tree "${dropped.name}" (id ${id})`;
  return new HoltError('TREE_DROPPED', `${what} was dropped`);
}

/** Every entry, live and dropped, ordered by id. */
export function catalogEntries(state: CatalogState): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const [name, id] of state.live) entries.push({ name, id, state: 'live' });
  for (const [id, tree] of state.dropped) entries.push({ name: tree.name, id, state: 'dropped' });
  return entries.sort((a, b) => a.id - b.id);
}

/**
 * Every rule a catalog state must satisfy, as human-readable violations (empty when
 * the state is sound). Checked by the tests after every step and by verified/check.mjs
 * in every reachable state:
 *  1. nextId is a safe integer ≥ 1 and not CATALOG_TREE_ID;
 *  2. every id is a user tree id (safe, ≥ 1, not CATALOG_TREE_ID) below nextId;
 *  3. ids are unique across live and dropped entries;
 *  4. every name is a valid tree name; a live map key maps to one id, so at most one
 *     live tree per name;
 *  5. a dropped tree has a boolean `reclaimable`;
 *  6. a live tree is newer (larger id) than every dropped tree of the same name, since
 *     a name is only created again after its previous tree was dropped.
 */
export function checkCatalogInvariants(state: CatalogState): string[] {
  const problems: string[] = [];
  if (!isValidNextId(state.nextId)) problems.push(`nextId ${String(state.nextId)} is not a valid next id`);
  const seen = new Set<number>();
  const checkId = (id: number, what: string): void => {
    if (!isUserTreeId(id)) {
      problems.push(`${what}: id ${String(id)} is not a user tree id${id === CATALOG_TREE_ID ? ' (reserved for the catalog)' : ''}`);
    } else if (!(id < state.nextId)) {
      problems.push(`${what}: id ${id} is not below nextId ${state.nextId}`);
    }
    if (seen.has(id)) problems.push(`${what}: id ${String(id)} is used twice`);
    seen.add(id);
  };
  for (const [name, id] of state.live) {
    const nameError = treeNameError(name);
    if (nameError !== undefined) problems.push(`live tree ${JSON.stringify(name)}: ${nameError.message}`);
    checkId(id, `live tree ${JSON.stringify(name)}`);
  }
  for (const [id, tree] of state.dropped) {
    const what = `dropped tree ${JSON.stringify(tree.name)}`;
    const nameError = treeNameError(tree.name);
    if (nameError !== undefined) problems.push(`${what}: ${nameError.message}`);
    if (typeof tree.reclaimable !== 'boolean') problems.push(`${what}: reclaimable is not a boolean`);
    checkId(id, what);
    const liveId = state.live.get(tree.name);
    if (liveId !== undefined && !(liveId > id)) {
      problems.push(`${what}: id ${id} is not older than live id ${liveId} of the same name`);
    }
  }
  return problems;
}

/** Throws CORRUPT naming the first broken invariant; for states read from disk. */
export function assertCatalogInvariants(state: CatalogState): void {
  const problems = checkCatalogInvariants(state);
  if (problems.length > 0) throw new HoltError('CORRUPT', `catalog invariant broken: ${problems.join('; ')}`);
}

function create(state: CatalogState, name: string): CatalogStep<'create'> {
  const nameError = treeNameError(name);
  if (nameError !== undefined) return { ok: false, error: nameError };
  if (state.live.has(name)) return fail('TREE_EXISTS', `tree "${name}" already exists`);
  let allocation: { id: number; nextId: number };
  try {
    allocation = allocateTreeId(state.nextId);
  } catch (error) {
    return { ok: false, error: error as HoltError };
  }
  const live = persistent(state.live).set(name, allocation.id);
  return {
    ok: true,
    state: { live, dropped: state.dropped, nextId: allocation.nextId },
    result: { id: allocation.id },
  };
}

function drop(state: CatalogState, name: string): CatalogStep<'drop'> {
  const nameError = treeNameError(name);
  if (nameError !== undefined) return { ok: false, error: nameError };
  const id = state.live.get(name);
  if (id === undefined) return fail('TREE_NOT_FOUND', `tree "${name}" not found`);
  const live = persistent(state.live).delete(name);
  const dropped = persistent(state.dropped).set(id, { name, reclaimable: false });
  return { ok: true, state: { live, dropped, nextId: state.nextId }, result: { id } };
}

function open(state: CatalogState, name: string): CatalogStep<'open'> {
  const nameError = treeNameError(name);
  if (nameError !== undefined) return { ok: false, error: nameError };
  const id = state.live.get(name);
  if (id === undefined) return fail('TREE_NOT_FOUND', `tree "${name}" not found`);
  return { ok: true, state, result: { id } };
}

function listNames(state: CatalogState): string[] {
  return [...state.live.keys()].sort(compareTreeNames);
}

function checkpoint(state: CatalogState): CatalogStep<'checkpoint'> {
  const reclaimable = [...state.dropped.keys()].sort((a, b) => a - b);
  let changed = false;
  for (const tree of state.dropped.values()) if (!tree.reclaimable) changed = true;
  if (!changed) return { ok: true, state, result: { reclaimable } };
  const dropped = new Map<number, DroppedTree>();
  for (const [id, tree] of state.dropped) {
    dropped.set(id, tree.reclaimable ? tree : { name: tree.name, reclaimable: true });
  }
  return { ok: true, state: { live: state.live, dropped, nextId: state.nextId }, result: { reclaimable } };
}

function finalize(state: CatalogState, id: number): CatalogStep<'finalize'> {
  const tree = state.dropped.get(id);
  if (tree === undefined) return fail('TREE_NOT_FOUND', `no dropped tree with id ${String(id)}`);
  if (!tree.reclaimable) {
    return fail('INVALID_ARGUMENT', `tree "${tree.name}" (id ${id}) was dropped after the last checkpoint; finalize it after the next one`);
  }
  const dropped = persistent(state.dropped).delete(id);
  return { ok: true, state: { live: state.live, dropped, nextId: state.nextId }, result: { name: tree.name } };
}

/** `m` as a PersistentMap: itself, or a copy of a plain map (states decoded or built by hand). */
function persistent<K, V>(m: ReadonlyMap<K, V>): PersistentMap<K, V> {
  return m instanceof PersistentMap ? m : new PersistentMap(m);
}

function fail(code: 'INVALID_ARGUMENT' | 'TREE_EXISTS' | 'TREE_NOT_FOUND', message: string): { ok: false; error: HoltError } {
  return { ok: false, error: new HoltError(code, message) };
}

function invalidName(message: string): HoltError {
  return new HoltError('INVALID_ARGUMENT', message);
}

const LONE_SURROGATE = /\p{Cs}/u;
