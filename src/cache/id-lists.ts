/**
 * IdLists: doubly linked lists over small dense ids (frame ids), each id in
 * at most one list, with O(1) append, removal and move. The cache keeps its
 * victim order in these instead of scanning the resident set: a decision
 * looks at the heads of a few lists, however many frames are resident.
 *
 * Links live in typed arrays indexed by id (grown by doubling as ids grow),
 * not on the Frame objects, so the cache's order is owned by the cache.
 */

const NONE = -1;

export class IdLists {
  private prev: Int32Array = new Int32Array(64).fill(NONE);
  private next: Int32Array = new Int32Array(64).fill(NONE);
  /** The list an id is in, or NONE. */
  private owner: Int32Array = new Int32Array(64).fill(NONE);
  private readonly heads: number[] = [];
  private readonly tails: number[] = [];
  private readonly lengths: number[] = [];

  /** An empty list's number (lists are numbered from 0 in creation order). */
  addList(): number {
    this.heads.push(NONE);
    this.tails.push(NONE);
    this.lengths.push(0);
    return this.heads.length - 1;
  }

  get listCount(): number {
    return this.heads.length;
  }

  length(list: number): number {
    return this.lengths[list]!;
  }

  /** The oldest id of `list`, or -1 when it is empty. */
  head(list: number): number {
    return this.heads[list]!;
  }

  /** The id after `id` in its list, or -1. */
  after(id: number): number {
    return this.next[id]!;
  }

  /** The list `id` is in, or -1. */
  listOf(id: number): number {
    return id < this.owner.length ? this.owner[id]! : NONE;
  }

  /** Append `id` to `list` (taking it out of the list it was in). */
  append(list: number, id: number): void {
    if (id >= this.owner.length) this.grow(id);
    if (this.owner[id] !== NONE) this.remove(id);
    const tail = this.tails[list]!;
    this.prev[id] = tail;
    this.next[id] = NONE;
    if (tail === NONE) this.heads[list] = id;
    else this.next[tail] = id;
    this.tails[list] = id;
    this.owner[id] = list;
    this.lengths[list]!++;
  }

  /** Take `id` out of its list (nothing when it is in none). */
  remove(id: number): void {
    const list = this.listOf(id);
    if (list === NONE) return;
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p === NONE) this.heads[list] = n;
    else this.next[p] = n;
    if (n === NONE) this.tails[list] = p;
    else this.prev[n] = p;
    this.prev[id] = NONE;
    this.next[id] = NONE;
    this.owner[id] = NONE;
    this.lengths[list]!--;
  }

  private grow(id: number): void {
    let size = this.owner.length;
    while (size <= id) size *= 2;
    const widen = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size).fill(NONE);
      b.set(a);
      return b;
    };
    this.prev = widen(this.prev);
    this.next = widen(this.next);
    this.owner = widen(this.owner);
  }
}
