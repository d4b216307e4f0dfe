/**
 * Atomic batches as recorded and as they end (types only): the facade
 * records `AtomicOp`s (api/atomic-batch.ts), db/atomic-apply.ts evaluates and
 * applies them and reports an `AtomicResult`.
 */

/** One recorded operation; keys and values are the batch's own copies. */
export type AtomicOp =
  | { kind: 'put'; tree: string; key: Buffer; value: Buffer }
  | { kind: 'delete'; tree: string; key: Buffer }
  | { kind: 'rename'; tree: string; key: Buffer; to: Buffer; overwrite: boolean }
  | { kind: 'putIfAbsent'; tree: string; key: Buffer; value: Buffer }
  | { kind: 'compareAndPut'; tree: string; key: Buffer; version: number; value: Buffer }
  | { kind: 'deleteIfVersion'; tree: string; key: Buffer; version: number }
  | { kind: 'assertPrefixEmpty'; tree: string; key: Buffer }
  | { kind: 'assertVersion'; tree: string; key: Buffer; version: number | null };

/** Why a batch did not apply. */
export interface AtomicFailure {
  /** Index of the failing operation, in the order the callback issued them. */
  index: number;
  op: AtomicOp['kind'];
  tree: string;
  key: Buffer;
  reason: 'EXISTS' | 'MISSING' | 'VERSION_MISMATCH' | 'PREFIX_NOT_EMPTY';
}

export type AtomicResult =
  | { ok: true; /** Version of each operation in issue order (guards without a write: undefined). */ versions: (number | undefined)[] }
  | { ok: false; failure: AtomicFailure };
