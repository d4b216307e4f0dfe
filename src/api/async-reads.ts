/**
 * The asynchronous point reads behind `Tree.getAsync` and `Tree.getManyAsync`.
 *
 * Everything is checked and every key encoded (a copy each) before anything
 * is read, so bad input rejects with INVALID_ARGUMENT (or KEY_TOO_LARGE)
 * before any I/O. Then each key is looked up from memory in the call itself
 * (art/batched-lookup.ts `lookupInMemory`): keys whose frames or pages are in
 * memory are answered there, without I/O and without a thread hop. If any key
 * needs the disk, the host gives a view of the tree as it is at this instant
 * (`asyncView`: a snapshot for a DB's tree, the snapshot itself for a
 * snapshot's), and the missing keys go to the pager's batched lookups, which
 * read their pages together. So every key of one call is answered from one
 * state: the state at the call, whatever writes and checkpoints run while the
 * reads are in flight.
 */
import { describe, invalidArgument } from '../errors.js';
import { batchedLookupsOf, lookupInMemory, LOOKUP_FOUND, LOOKUP_NEEDS_IO, type ReadView } from '../art/batched-lookup.js';
import { outFound } from '../art/lookup.js';
import type { TreeState } from '../db/tree-state.js';
import type { Frame } from '../layout/frame.js';
import { encodeKey, keyScratch } from './key-codec.js';
import { getUtf8, valueAsBuffer, valueAsString } from './get-value.js';
import type { Bytes, GetOptions } from './types.js';

/** A view for reads in flight, let go of when the call has settled. */
export interface AsyncView extends ReadView {
  release(): void;
}

/** What an asynchronous read needs from the tree's host (a DB or a snapshot). */
export interface AsyncReadHost {
  /** Throws CLOSED / TREE_DROPPED when the tree may not be read. */
  checkReadable(state: TreeState): void;
  /** `state`'s tree as it is now, readable until `release()` (a DB takes a snapshot). */
  asyncView(state: TreeState): AsyncView;
}

/** The values of `keys` in `state`'s tree, in the order of the keys (undefined: absent). */
export function getManyAsync(
  host: AsyncReadHost, state: TreeState, keys: readonly Bytes[], options: GetOptions | undefined,
): Promise<Array<Buffer | string | undefined>> {
  let encoded: Uint8Array[];
  let extract: (f: Frame, leaf: number) => Buffer | string;
  try {
    host.checkReadable(state);
    if (!Array.isArray(keys)) throw invalidArgument(`getManyAsync keys must be an array of keys, got ${describe(keys)}`);
    extract = getUtf8(options) ? valueAsString : valueAsBuffer;
    encoded = keys.map((k) => {
      // Encode first: a string key may leave its bytes in a different buffer of the scratch.
      const n = encodeKey(keyScratch, k);
      return keyScratch.bytes.slice(0, n);
    });
  } catch (e) {
    return Promise.reject(e);
  }
  return readKeys(host, state, encoded, extract);
}

/** The value of `key` in `state`'s tree, or undefined. */
export function getAsync(host: AsyncReadHost, state: TreeState, key: Bytes, options: GetOptions | undefined): Promise<Buffer | string | undefined> {
  let encoded: Uint8Array;
  let extract: (f: Frame, leaf: number) => Buffer | string;
  try {
    host.checkReadable(state);
    extract = getUtf8(options) ? valueAsString : valueAsBuffer;
    const kl = encodeKey(keyScratch, key);
    // The common case, answered from memory, needs no copy of the key.
    const r = lookupInMemory(state.core, keyScratch.bytes, kl, state.core.pager.reads);
    if (r !== LOOKUP_NEEDS_IO) return Promise.resolve(r === LOOKUP_FOUND ? extract(outFound.frame, outFound.leaf) : undefined);
    encoded = keyScratch.bytes.slice(0, kl);
  } catch (e) {
    return Promise.reject(e);
  }
  return readKeys(host, state, [encoded], extract).then((values) => values[0]);
}

/** Answer what memory can now; the rest through the batched lookups on a view taken now. */
function readKeys(
  host: AsyncReadHost, state: TreeState, keys: Uint8Array[], extract: (f: Frame, leaf: number) => Buffer | string,
): Promise<Array<Buffer | string | undefined>> {
  const values = new Array<Buffer | string | undefined>(keys.length);
  const cold: number[] = [];
  const reads = state.core.pager.reads;
  try {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const r = lookupInMemory(state.core, k, k.length, reads);
      if (r === LOOKUP_FOUND) values[i] = extract(outFound.frame, outFound.leaf);
      else if (r === LOOKUP_NEEDS_IO) cold.push(i);
    }
  } catch (e) {
    return Promise.reject(e);
  }
  if (cold.length === 0) return Promise.resolve(values);
  let view: AsyncView;
  try {
    view = host.asyncView(state);
  } catch (e) {
    return Promise.reject(e);
  }
  const lookups = batchedLookupsOf(reads!); // a memory pager (reads null) never needs I/O
  return new Promise((resolve, reject) => {
    let left = cold.length;
    let failure: unknown = null;
    for (const i of cold) {
      lookups.add({
        view, key: keys[i]!, keyLen: keys[i]!.length, extract,
        settle: (error, value) => {
          if (error !== null) failure ??= error;
          else values[i] = value;
          if (--left > 0) return;
          view.release();
          if (failure !== null) reject(failure);
          else resolve(values);
        },
      });
    }
  });
}
