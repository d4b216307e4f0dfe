/**
 * Batched lookups: point reads that wait for the disk without blocking.
 *
 * A lookup is `findLeaf`, run in plan mode (store/read-plan.ts): it reads
 * only memory and the bytes its plan holds, and where the synchronous walk
 * would read the data file it records the read and stops. `lookupInMemory`
 * is one such pass with an empty plan: the answer when everything the walk
 * needs is in memory, else LOOKUP_NEEDS_IO. A lookup that needs I/O becomes a
 * job here; all jobs ready in one turn (a getManyAsync's keys, getAsync calls
 * of the same turn: the flush is a microtask) run one pass each, the reads
 * they stopped for go to the pager's batched reads together (io_uring, up to
 * 64 in flight, each offset once), and the jobs run again from their roots
 * once those reads are filed in their plans. So a batch advances level by
 * level, a few device round trips in all, and the walk (cold read index, page
 * walk, whole-frame loads) is the synchronous one, unchanged.
 *
 * A job reads one consistent state: its `view` (a snapshot the caller took at
 * the call) says which tree core to walk and checks before each pass that the
 * view is still readable (CLOSED once the DB or snapshot closes). While a job
 * lives it holds the data-file slots against reuse (PlannedReads.holdSlots).
 */
import type { Frame } from '../layout/frame.js';
import type { PlannedReads, ReadNeed } from '../store/read-plan.js';
import { NEEDS_IO, ReadPlan } from '../store/read-plan.js';
import { HoltError } from '../errors.js';
import { findLeaf, outFound } from './lookup.js';
import type { TreeCore } from './tree-core.js';

/** `lookupInMemory`: the key is there (`outFound` names its leaf). */
export const LOOKUP_FOUND = 1;
/** `lookupInMemory`: the key is not in the tree. */
export const LOOKUP_ABSENT = 0;
/** `lookupInMemory`: the answer needs bytes that are not in memory. */
export const LOOKUP_NEEDS_IO = -1;

/** A pass never needs more than this many: each one reads at least one level. A guard, not a limit. */
const MAX_PASSES = 64;

/** The plan of in-memory passes: empty, its needs thrown away after each. */
const memoryOnly = new ReadPlan();

/**
 * Look `key[0..keyLen)` up in `core` without I/O: LOOKUP_FOUND (`outFound`
 * names the leaf, valid until the next walk), LOOKUP_ABSENT, or
 * LOOKUP_NEEDS_IO. `reads` null: a memory pager, which never needs I/O.
 */
export function lookupInMemory(core: TreeCore, key: Uint8Array, keyLen: number, reads: PlannedReads | null): number {
  if (reads === null) return findLeaf(core, key, keyLen, true) ? LOOKUP_FOUND : LOOKUP_ABSENT;
  reads.usePlan(memoryOnly);
  try {
    return findLeaf(core, key, keyLen, true) ? LOOKUP_FOUND : LOOKUP_ABSENT;
  } catch (e) {
    if (e === NEEDS_IO) return LOOKUP_NEEDS_IO;
    throw e;
  } finally {
    reads.usePlan(null);
    memoryOnly.needs.length = 0;
    memoryOnly.probed.clear();
    memoryOnly.touched.clear();
  }
}

/** Where a job reads: a tree core of one consistent state, and the check before each pass. */
export interface ReadView {
  readonly core: TreeCore;
  /** Throws (CLOSED, ...) when the view may no longer be read; starts the pager's operation. */
  check(): void;
}

/** One key's lookup in flight. */
export interface LookupJob<T> {
  readonly view: ReadView;
  /** The key's bytes (the job's own copy) and length. */
  readonly key: Uint8Array;
  readonly keyLen: number;
  /** What the caller gets from the found leaf (a copy: the frame is not the caller's). */
  readonly extract: (frame: Frame, leaf: number) => T;
  /** Called once, with the value or undefined, or with the error. */
  readonly settle: (error: unknown, value: T | undefined) => void;
}

interface Running {
  readonly job: LookupJob<unknown>;
  readonly plan: ReadPlan;
  readonly hold: { release(): void };
  passes: number;
}

/** The batched lookups over one pager's reads (one per pager: `batchedLookupsOf`). */
export class BatchedLookups {
  private readonly reads: PlannedReads;
  private ready: Running[] = [];
  private scheduled = false;
  /** Jobs not yet settled. */
  private live = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(reads: PlannedReads) {
    this.reads = reads;
  }

  /** Run `job` with the others of this turn. */
  add<T>(job: LookupJob<T>): void {
    this.live++;
    this.ready.push({ job: job as LookupJob<unknown>, plan: new ReadPlan(), hold: this.reads.holdSlots(), passes: 0 });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /** Resolves once every job added so far has settled (DB.close: no read may outlive the file). */
  idle(): Promise<void> {
    if (this.live === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const jobs = this.ready;
    this.ready = [];
    const waiting: Running[] = [];
    const needs: ReadNeed[] = [];
    for (const r of jobs) {
      if (this.pass(r)) continue;
      waiting.push(r);
      for (const n of r.plan.needs) needs.push(n);
    }
    if (waiting.length === 0) return;
    void this.reads.fetch(needs).then((results) => {
      for (const r of waiting) {
        r.plan.file(results);
        this.ready.push(r);
      }
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(this.flush);
      }
    });
  };

  /** One pass of `r`'s walk: true when it settled, false when it stopped for reads (in its plan's needs). */
  private pass(r: Running): boolean {
    const { job } = r;
    let value: unknown;
    this.reads.usePlan(r.plan);
    try {
      job.view.check();
      value = findLeaf(job.view.core, job.key, job.keyLen, true) ? job.extract(outFound.frame, outFound.leaf) : undefined;
    } catch (e) {
      if (e !== NEEDS_IO) return this.settle(r, e, undefined);
      if (++r.passes < MAX_PASSES) return false;
      return this.settle(r, new HoltError('IO_ERROR', `an asynchronous read made no progress after ${MAX_PASSES} rounds of reads`), undefined);
    } finally {
      this.reads.usePlan(null);
    }
    return this.settle(r, null, value);
  }

  private settle(r: Running, error: unknown, value: unknown): true {
    r.hold.release();
    r.plan.got.clear();
    this.live--;
    r.job.settle(error, value);
    if (this.live === 0) for (const w of this.idleWaiters.splice(0)) w();
    return true;
  }
}

const lookupsByReads = new WeakMap<PlannedReads, BatchedLookups>();

/** The batched lookups of the pager whose reads are `reads`, made on first use. */
export function batchedLookupsOf(reads: PlannedReads): BatchedLookups {
  let b = lookupsByReads.get(reads);
  if (b === undefined) {
    b = new BatchedLookups(reads);
    lookupsByReads.set(reads, b);
  }
  return b;
}
