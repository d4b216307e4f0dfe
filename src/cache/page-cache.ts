/**
 * PageCache: a bounded cache of 4 KiB data-file pages for cold point reads
 * (read-index pages and the leaf pages they lead to), beside the frame cache.
 *
 * The pages live in one aligned arena allocated once, so the cache's memory
 * is fixed at `capacity x 4 KiB`. Pages are keyed by data-file byte offset;
 * slots are never overwritten while a manifest names them, so a cached page
 * stays true until its slot is retired and reused, when the pager drops the
 * slot's pages (`dropRange`). Eviction is least-recently-used (a Map keeps
 * insertion order; a hit moves the page to the end).
 */
import { PAGE_SIZE } from '../layout/read-index.js';
import type { Io } from '../io/types.js';


export class PageCache {
  readonly capacity: number;
  private readonly arena: Uint8Array;
  /** Byte offset in the data file -> page index in the arena. */
  private readonly index = new Map<number, number>();
  private readonly freePages: number[] = [];
  hits = 0;

  constructor(io: Io, capacity: number) {
    this.capacity = capacity;
    this.arena = capacity > 0 ? io.allocAligned(capacity * PAGE_SIZE) : new Uint8Array(0);
    for (let i = capacity - 1; i >= 0; i--) this.freePages.push(i);
  }

  get size(): number {
    return this.index.size;
  }

  /** The cached page at file offset `at`, or undefined. */
  get(at: number): Uint8Array | undefined {
    const i = this.index.get(at);
    if (i === undefined) return undefined;
    this.index.delete(at);
    this.index.set(at, i);
    this.hits++;
    return this.arena.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
  }

  /**
   * A page buffer to fill for file offset `at` (an aligned 4 KiB view), or
   * undefined when the cache has no room at all (capacity 0). The caller
   * fills it, then `commit`s it or `abandon`s it if the read failed.
   */
  reserve(at: number): { page: Uint8Array; slot: number } | undefined {
    if (this.capacity === 0) return undefined;
    let i = this.freePages.pop();
    if (i === undefined) {
      const oldest = this.index.keys().next().value as number;
      i = this.index.get(oldest)!;
      this.index.delete(oldest);
    }
    return { page: this.arena.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), slot: i };
  }

  commit(at: number, r: { slot: number }): void {
    this.index.set(at, r.slot);
  }

  abandon(r: { slot: number }): void {
    this.freePages.push(r.slot);
  }

  /** Forget every page in file bytes [from, to): their slot is being reused. */
  dropRange(from: number, to: number): void {
    for (let at = from; at < to; at += PAGE_SIZE) {
      const i = this.index.get(at);
      if (i !== undefined) {
        this.index.delete(at);
        this.freePages.push(i);
      }
    }
  }
}
