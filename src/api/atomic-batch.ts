/**
 * Atomic batches: a group of writes and guards over one or more trees that
 * applies all or nothing.
 *
 * The callback only records operations (keys and values are copied at once).
 * When it returns, every guard is evaluated in order against the state the
 * batch itself projects: the live trees seen through an overlay of the batch's
 * own earlier writes. Only if all guards pass are the writes applied, under
 * one log record. A throw inside the callback applies nothing; using the
 * batch after the callback returned throws BATCH_CLOSED.
 */
import { HoltError, invalidArgument } from '../errors.js';
import type { Bytes, RenameOptions } from './types.js';
import { checkBytes, checkFunction, checkVersion, renameOverwrite } from './validate.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../layout/leaf.js';
import type { AtomicOp } from '../shapes/batch.js';

/** Operations on one tree inside a batch. */
export interface AtomicBatchTree {
  put(key: Bytes, value: Bytes): this;
  delete(key: Bytes): this;
  /** Fails the batch (NOT_FOUND) when `from` is absent, (ALREADY_EXISTS) when `to` exists without `overwrite`. */
  rename(from: Bytes, to: Bytes, options?: RenameOptions): this;
  /** Guard + write: fails the batch if `key` exists. */
  putIfAbsent(key: Bytes, value: Bytes): this;
  /** Guard + write: fails the batch unless `key` has `version`. */
  compareAndPut(key: Bytes, version: number, value: Bytes): this;
  /** Guard + write: fails the batch unless `key` has `version`. */
  deleteIfVersion(key: Bytes, version: number): this;
  /** Guard: fails the batch if any key starts with `prefix`. */
  assertPrefixEmpty(prefix: Bytes): this;
  /** Guard: fails the batch unless `key` has `version` (`null`: unless `key` is absent). */
  assertVersion(key: Bytes, version: number | null): this;
}

/** The handle an atomic callback receives. */
export interface AtomicBatch {
  tree(name: string): AtomicBatchTree;
}

function bytes(v: Bytes, what: string): Buffer {
  checkBytes(v, what);
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

// Batches bypass the Tree facade's encodeKey/encodeValue, so they enforce the
// same limits here, while recording: a bad op throws before anything applies.
function key(v: Bytes, what: string): Buffer {
  const k = bytes(v, what);
  if (k.length === 0) throw new HoltError('INVALID_ARGUMENT', `${what} must not be empty`);
  if (k.length > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `${what} is ${k.length} bytes; the limit is ${MAX_KEY_BYTES}`);
  return k;
}

function value(v: Bytes): Buffer {
  const b = bytes(v, 'value');
  if (b.length > MAX_VALUE_BYTES) throw new HoltError('VALUE_TOO_LARGE', `value is ${b.length} bytes; the limit is ${MAX_VALUE_BYTES}`);
  return b;
}

function prefix(v: Bytes): Buffer {
  const p = bytes(v, 'prefix');
  if (p.length > MAX_KEY_BYTES) throw new HoltError('KEY_TOO_LARGE', `prefix is ${p.length} bytes; the limit is ${MAX_KEY_BYTES}`);
  return p;
}

/**
 * Run the caller's callback on `batch`, then seal the recorder. The callback
 * must be synchronous: an async one records only up to its first `await` and
 * then writes into a sealed batch, so it is refused (INVALID_ARGUMENT, nothing
 * applied) instead of committing a partial batch.
 */
export function recordBatch<B>(recorder: AtomicRecorder, fn: (batch: B) => void, batch: B): void {
  checkFunction(fn, 'the atomic callback');
  let result: unknown;
  try {
    result = fn(batch);
  } finally {
    recorder.seal();
  }
  if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
    // Its later BATCH_CLOSED rejection is already reported by this throw; without
    // a handler it would also surface as an unhandled rejection and end the process.
    (result as PromiseLike<unknown>).then(undefined, () => {});
    throw invalidArgument('the atomic callback must be synchronous (it returned a promise); nothing was applied');
  }
}

/** Records operations until sealed. */
export class AtomicRecorder implements AtomicBatch {
  readonly ops: AtomicOp[] = [];
  private sealed = false;
  private readonly checkTree: (name: string) => void;

  constructor(checkTree: (name: string) => void) {
    this.checkTree = checkTree;
  }

  /** @internal Ends recording (the batch facade calls it when the callback returns); later calls throw BATCH_CLOSED. */
  seal(): void {
    this.sealed = true;
  }

  private add(op: AtomicOp): void {
    if (this.sealed) throw new HoltError('BATCH_CLOSED', 'this atomic batch has already been committed or abandoned');
    this.ops.push(op);
  }

  tree(name: string): AtomicBatchTree {
    if (this.sealed) throw new HoltError('BATCH_CLOSED', 'this atomic batch has already been committed or abandoned');
    this.checkTree(name);
    const self = this;
    const t: AtomicBatchTree = {
      put(k, v) { self.add({ kind: 'put', tree: name, key: key(k, 'key'), value: value(v) }); return t; },
      delete(k) { self.add({ kind: 'delete', tree: name, key: key(k, 'key') }); return t; },
      rename(from, to, options) {
        self.add({ kind: 'rename', tree: name, key: key(from, 'from'), to: key(to, 'to'), overwrite: renameOverwrite(options) });
        return t;
      },
      putIfAbsent(k, v) { self.add({ kind: 'putIfAbsent', tree: name, key: key(k, 'key'), value: value(v) }); return t; },
      compareAndPut(k, ver, v) {
        self.add({ kind: 'compareAndPut', tree: name, key: key(k, 'key'), version: checkVersion(ver), value: value(v) });
        return t;
      },
      deleteIfVersion(k, ver) { self.add({ kind: 'deleteIfVersion', tree: name, key: key(k, 'key'), version: checkVersion(ver) }); return t; },
      assertPrefixEmpty(p) { self.add({ kind: 'assertPrefixEmpty', tree: name, key: prefix(p) }); return t; },
      assertVersion(k, ver) { self.add({ kind: 'assertVersion', tree: name, key: key(k, 'key'), version: ver === null ? null : checkVersion(ver) }); return t; },
    };
    return t;
  }
}
