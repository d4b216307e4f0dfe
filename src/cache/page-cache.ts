/**
 * PageCache: a bounded cache of 4 KiB data-file pages for cold point reads
 * (read-index pages and the leaf pages they lead to), beside the frame cache.
 *
 * The pages live in aligned chunks of 64 pages allocated as the cache fills
 * (never freed, never more than `capacity` pages), so the cache's memory is
 * at most `capacity x 4 KiB` and an open that reads little pays for little. Pages are keyed by data-file byte offset;
 * slots are never overwritten while a manifest names them, so a cached page
 * stays true until its slot is retired and reused, when the pager drops the
 * slot's pages (`dropRange`). Eviction is least-recently-used (a Map keeps
 * insertion order; a hit moves the page to the end).
 */
import { PAGE_SIZE } from '../layout/read-index.js';
import type { Io } from '../io/types.js';


const CHUNK_PAGES = 64;

export class PageCache {
  readonly capacity: number;
  private readonly io: Io;
  /** Page i lives in chunks[i / CHUNK_PAGES] at (i % CHUNK_PAGES) x 4 KiB. */
  private readonly chunks: Uint8Array[] = [];
  private allocatedPages = 0;
  /** Byte offset in the data file -> page index. */
  private readonly index = new Map<number, number>();
  private readonly freePages: number[] = [];
  hits = 0;

  constructor(io: Io, capacity: number) {
    this.io = io;
    this.capacity = capacity;
  }

  private page(i: number): Uint8Array {
    const at = (i % CHUNK_PAGES) * PAGE_SIZE;
    return this.chunks[Math.floor(i / CHUNK_PAGES)]!.subarray(at, at + PAGE_SIZE);
  }

  /** A page index not in use: a free one, a new one while below capacity, or undefined. */
  private unusedPage(): number | undefined {
    const free = this.freePages.pop();
    if (free !== undefined) return free;
    if (this.allocatedPages >= this.capacity) return undefined;
    if (this.allocatedPages % CHUNK_PAGES === 0) {
      this.chunks.push(this.io.allocAligned(Math.min(CHUNK_PAGES, this.capacity - this.allocatedPages) * PAGE_SIZE));
    }
    return this.allocatedPages++;
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
    return this.page(i);
  }

  /**
   * A page buffer to fill for file offset `at` (an aligned 4 KiB view), or
   * undefined when the cache has no room at all (capacity 0). The caller
   * fills it, then `commit`s it or `abandon`s it if the read failed.
   */
  reserve(at: number): { page: Uint8Array; slot: number } | undefined {
    if (this.capacity === 0) return undefined;
    let i = this.unusedPage();
    if (i === undefined) {
      const oldest = this.index.keys().next().value as number;
      i = this.index.get(oldest)!;
      this.index.delete(oldest);
    }
    return { page: this.page(i), slot: i };
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
