/**
 * A byte buffer that only grows: the encode target of the WAL writer. The
 * writer appends records at `length`; `reserve(n)` makes room for n more bytes,
 * doubling the backing array when needed so appends stay amortised O(1) and
 * allocate nothing in the steady state.
 *
 * Callers write straight into `bytes[length ...]` and then advance `length`.
 * `bytes` is replaced on growth, so never keep a reference across `reserve`.
 */
export class GrowableBuffer {
  bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Ensures `bytes` can hold `n` more bytes after `length`. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** Drops the first `n` bytes, moving the rest to the front. */
  discardFront(n: number): void {
    if (n <= 0) return;
    if (n >= this.length) {
      this.length = 0;
      return;
    }
    this.bytes.copyWithin(0, n, this.length);
    this.length -= n;
  }

  /**
   * Like `discardFront`, but copies the kept bytes into a fresh array instead
   * of moving them in place: used while an async write still reads the old one.
   */
  discardFrontInto(n: number): void {
    const keep = Math.max(0, this.length - n);
    const next = new Uint8Array(Math.max(this.bytes.length, 16));
    if (keep > 0) next.set(this.bytes.subarray(n, this.length));
    this.bytes = next;
    this.length = keep;
  }
}
