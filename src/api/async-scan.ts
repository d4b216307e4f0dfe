/**
 * AsyncScan: `Tree.scanAsync`, the scan as an async iterator that never
 * waits on the disk inside a step, and reads ahead.
 *
 * It drives the synchronous ScanIterator (art/scan.ts) in plan mode
 * (store/read-plan.ts): entries are taken from frames in memory, a chunk at a
 * time; where the scan would load a frame from the data file it stops with
 * NEEDS_IO instead, and this class reads that frame together with the frames
 * the scan enters next (`framesAhead`: the Crossings ahead of its cursor,
 * up to READ_AHEAD) in one batch through the pager's reads, hands out the
 * entries it already has meanwhile, and resumes the scan from its last entry
 * once the reads are in (`retryAfterIo`). Options, bounds, entry forms and
 * order are `scan`'s.
 *
 * One state: a DB tree's scan reads the snapshot taken at the call (`asyncView`),
 * so writes while it runs are not seen; it holds that snapshot and the
 * data-file slots until it ends, `return()`s (a `break` out of `for await`
 * calls it) or fails. A snapshot tree's scan reads the snapshot.
 */
import { HoltError } from '../errors.js';
import { ScanIterator, type ScanEntry, type ScanSpec } from '../art/scan.js';
import type { TreeState } from '../db/tree-state.js';
import { NEEDS_IO, ReadPlan, type PlannedReads, type ReadNeed, type ReadResult } from '../store/read-plan.js';
import type { AsyncReadHost, AsyncView } from './async-reads.js';

/** Entries taken from memory per step of the event loop: a long in-memory run must not block it either. */
const CHUNK = 256;
/** Frames read ahead of the cursor with the one the scan stopped for. */
const READ_AHEAD = 8;
/** Rounds of reads in a row after which a scan that hands out nothing gives up (a guard, like the lookups'). */
const MAX_IDLE_ROUNDS = 64;

export class AsyncScan<K = Buffer, V = Buffer> implements AsyncIterableIterator<ScanEntry<K, V>> {
  private readonly spec: ScanSpec;
  private readonly reads: PlannedReads | null;
  private view: AsyncView | null;
  private hold: { release(): void } | null;
  private readonly plan = new ReadPlan(true);
  private it: ScanIterator<K, V> | null = null;
  private buffered: ScanEntry<K, V>[] = [];
  private at = 0;
  /** The batch of reads in flight, filed into the plan when it ends. */
  private inflight: Promise<void> | null = null;
  private ended = false;
  /** Rounds of reads since the scan last handed out an entry. */
  private idleRounds = 0;

  /** @internal Made by `Tree.scanAsync`, which checked the options into `spec` (copied here: the edge reuses it). */
  constructor(host: AsyncReadHost, state: TreeState, spec: ScanSpec) {
    this.spec = { ...spec };
    this.reads = state.core.pager.reads;
    this.view = host.asyncView(state);
    this.hold = this.reads?.holdSlots() ?? null;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ScanEntry<K, V>>> {
    while (this.at === this.buffered.length) {
      if (this.ended) return { done: true, value: undefined };
      await this.fill();
    }
    return { done: false, value: this.buffered[this.at++]! };
  }

  /** Stop early: the snapshot and slots are let go of. */
  async return(): Promise<IteratorResult<ScanEntry<K, V>>> {
    this.end();
    this.buffered = [];
    this.at = 0;
    return { done: true, value: undefined };
  }

  /** Take up to CHUNK entries from memory, waiting first for reads in flight if there is nothing to hand out. */
  private async fill(): Promise<void> {
    this.buffered = [];
    this.at = 0;
    for (;;) {
      if (this.inflight !== null) {
        await this.inflight;
        this.inflight = null;
      }
      if (this.ended) return;
      let stopped = false;
      this.reads?.usePlan(this.plan);
      try {
        this.view!.check();
        this.it ??= new ScanIterator<K, V>(this.view!.core, this.spec, () => this.view!.check());
        while (this.buffered.length < CHUNK) {
          const r = this.it.nextMayStop();
          if (r.done) { this.end(); break; }
          this.buffered.push(r.value);
        }
      } catch (e) {
        if (e !== NEEDS_IO) {
          this.end();
          throw e;
        }
        stopped = true;
        this.readAhead();
      } finally {
        this.reads?.usePlan(null);
      }
      if (!stopped || this.buffered.length > 0) {
        this.plan.dropUsed();
        this.idleRounds = 0;
        return;
      }
      if (++this.idleRounds >= MAX_IDLE_ROUNDS) {
        this.end();
        throw new HoltError('IO_ERROR', `scanAsync made no progress after ${MAX_IDLE_ROUNDS} rounds of reads`);
      }
    }
  }

  /** The scan stopped for reads: start them, with the frames ahead of it. */
  private readAhead(): void {
    const it = this.it;
    const reads = this.reads!;
    if (it !== null) {
      it.retryAfterIo();
      const ahead: number[] = [];
      it.framesAhead(READ_AHEAD, ahead);
      for (const id of ahead) reads.prefetchFrame(this.plan, id);
    }
    const needs: ReadNeed[] = this.plan.needs.splice(0);
    this.inflight = reads.fetch(needs).then((results: Map<number, ReadResult>) => this.plan.file(results, needs));
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.it?.return();
    this.hold?.release();
    this.hold = null;
    this.view?.release();
    this.view = null;
    this.plan.got.clear();
  }
}
