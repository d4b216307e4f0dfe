/**
 * Evaluating and applying an atomic batch.
 *
 * `evaluateBatch` checks every guard, in issue order, against an overlay of
 * the batch's own earlier writes over the live trees, and touches nothing.
 * `applyBatch` then performs the writes with consecutive versions. The DB logs
 * the whole batch as one record between the two, so a crash shows all of it or
 * none of it; and because reads and writes are synchronous, no reader can run
 * between the first applied op and the last.
 */
import type { AtomicFailure, AtomicOp } from '../api/atomic-batch.js';
import { found, findLeaf } from '../art/lookup.js';
import { insert } from '../art/insert.js';
import { erase } from '../art/erase.js';
import { leafKeyStart, leafValueLen, leafVersion } from '../art/node-ops.js';
import { ScanIterator } from '../art/scan.js';
import type { TreeState } from './tree-host.js';

/** What the overlay knows about a key: its value and version, or `null` when deleted. */
type Projected = { value: Buffer; version: number } | null;

/** Number of versions the batch consumes (one per write). */
export function batchWriteCount(ops: readonly AtomicOp[]): number {
  let n = 0;
  for (const op of ops) if (op.kind !== 'assertPrefixEmpty' && op.kind !== 'assertVersion') n++;
  return n;
}

class Overlay {
  private readonly map = new Map<string, Projected>();

  private static id(t: TreeState, key: Buffer): string {
    return `${t.id}:${key.toString('latin1')}`;
  }

  /** Current projected record, or undefined when absent. */
  read(t: TreeState, key: Buffer): { value: Buffer; version: number } | undefined {
    const p = this.map.get(Overlay.id(t, key));
    if (p !== undefined) return p ?? undefined;
    if (!findLeaf(t.core, key, key.length)) return undefined;
    const f = found.frame;
    const ks = leafKeyStart(found.leaf) + key.length;
    return { value: Buffer.from(f.u8.subarray(ks, ks + leafValueLen(f, found.leaf))), version: leafVersion(f, found.leaf) };
  }

  write(t: TreeState, key: Buffer, value: Buffer, version: number): void {
    this.map.set(Overlay.id(t, key), { value, version });
  }

  remove(t: TreeState, key: Buffer): void {
    this.map.set(Overlay.id(t, key), null);
  }

  /** True when no key under `prefix` survives the overlay. */
  prefixEmpty(t: TreeState, prefix: Buffer): boolean {
    const head = `${t.id}:${prefix.toString('latin1')}`;
    for (const [k, v] of this.map) if (v !== null && k.startsWith(head)) return false;
    const it = new ScanIterator(t.core, { prefix, keysOnly: true }, () => {});
    for (let r = it.next(); !r.done; r = it.next()) {
      if (this.map.get(Overlay.id(t, r.value.key)) !== null) return false;
    }
    return true;
  }
}

/**
 * Check every guard against the projected state. Returns the first failure,
 * or undefined when the batch may apply. Versions for the projection are
 * placeholders: guards compare only against versions that existed before.
 */
export function evaluateBatch(ops: readonly AtomicOp[], trees: readonly TreeState[]): AtomicFailure | undefined {
  const overlay = new Overlay();
  const PENDING = -1; // a version this batch will assign: never equal to a caller's token
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const t = trees[i]!;
    const fail = (reason: AtomicFailure['reason']): AtomicFailure => ({ index: i, op: op.kind, tree: op.tree, key: op.key, reason });
    switch (op.kind) {
      case 'put':
        overlay.write(t, op.key, op.value, PENDING);
        break;
      case 'delete':
        overlay.remove(t, op.key);
        break;
      case 'putIfAbsent':
        if (overlay.read(t, op.key) !== undefined) return fail('EXISTS');
        overlay.write(t, op.key, op.value, PENDING);
        break;
      case 'compareAndPut': {
        const cur = overlay.read(t, op.key);
        if (cur === undefined) return fail('MISSING');
        if (cur.version !== op.version) return fail('VERSION_MISMATCH');
        overlay.write(t, op.key, op.value, PENDING);
        break;
      }
      case 'deleteIfVersion': {
        const cur = overlay.read(t, op.key);
        if (cur === undefined) return fail('MISSING');
        if (cur.version !== op.version) return fail('VERSION_MISMATCH');
        overlay.remove(t, op.key);
        break;
      }
      case 'rename': {
        const src = overlay.read(t, op.key);
        if (src === undefined) return fail('MISSING');
        if (op.key.equals(op.to)) break;
        if (!op.overwrite && overlay.read(t, op.to) !== undefined) return fail('EXISTS');
        overlay.remove(t, op.key);
        overlay.write(t, op.to, src.value, PENDING);
        break;
      }
      case 'assertPrefixEmpty':
        if (!overlay.prefixEmpty(t, op.key)) return fail('PREFIX_NOT_EMPTY');
        break;
      case 'assertVersion': {
        const cur = overlay.read(t, op.key);
        if (op.version === null ? cur !== undefined : cur === undefined || cur.version !== op.version) return fail('VERSION_MISMATCH');
        break;
      }
    }
  }
  return undefined;
}

/** Apply a batch that passed `evaluateBatch`; write i gets version `first + i`. */
export function applyBatch(ops: readonly AtomicOp[], trees: readonly TreeState[], first: number): (number | undefined)[] {
  const versions: (number | undefined)[] = [];
  let next = first;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const core = trees[i]!.core;
    switch (op.kind) {
      case 'put':
      case 'putIfAbsent':
      case 'compareAndPut':
        insert(core, op.key, op.key.length, op.value, op.value.length, next);
        versions.push(next++);
        break;
      case 'delete':
      case 'deleteIfVersion':
        erase(core, op.key, op.key.length);
        versions.push(next++);
        break;
      case 'rename': {
        const v = next++;
        versions.push(v);
        if (op.key.equals(op.to) || !findLeaf(core, op.key, op.key.length)) break;
        const f = found.frame;
        const ks = leafKeyStart(found.leaf) + op.key.length;
        const value = Buffer.from(f.u8.subarray(ks, ks + leafValueLen(f, found.leaf)));
        erase(core, op.key, op.key.length);
        insert(core, op.to, op.to.length, value, value.length, v);
        break;
      }
      default:
        versions.push(undefined);
    }
  }
  return versions;
}
