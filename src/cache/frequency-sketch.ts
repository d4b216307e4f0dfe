/**
 * FrequencySketch: TinyLFU's approximate access counter (a count-min sketch
 * with aging) over frame ids.
 *
 * Four rows of 4-bit saturating counters indexed by independent hashes; an
 * estimate is the minimum of the four, so it can over-count (collisions) but
 * never under-count. After `sampleSize` increments every counter is halved,
 * so frequency means "recently frequent" and a once-hot frame cools down.
 * Every increment counts toward the sample, saturated or not: counting only
 * those that changed a counter stopped aging once the hot ids saturated, and
 * frames that were hot once stayed at 15 and were never displaced again.
 */

const ROWS = 4;
const MAX_COUNT = 15;
const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f];

export class FrequencySketch {
  private readonly width: number;
  private readonly mask: number;
  private readonly counters: Uint8Array;
  private readonly sampleSize: number;
  private additions = 0;
  /** Times the counters were halved (others age their own window with it). */
  ages = 0;

  /** `expectedItems`: about how many distinct ids are worth telling apart (the cache's capacity). */
  constructor(expectedItems: number) {
    let w = 64;
    while (w < expectedItems * 4) w <<= 1;
    this.width = w;
    this.mask = w - 1;
    this.counters = new Uint8Array(ROWS * w);
    this.sampleSize = 10 * w;
  }

  private index(row: number, id: number): number {
    let h = Math.imul(id ^ SEEDS[row]!, 0x2c1b3c6d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 13;
    return row * this.width + (h & this.mask);
  }

  /** Count one access to `id`. */
  increment(id: number): void {
    for (let r = 0; r < ROWS; r++) {
      const i = this.index(r, id);
      if (this.counters[i]! < MAX_COUNT) this.counters[i]!++;
    }
    if (++this.additions >= this.sampleSize) this.age();
  }

  /** Estimated recent accesses to `id` (0..15). */
  frequency(id: number): number {
    let min = MAX_COUNT;
    for (let r = 0; r < ROWS; r++) {
      const c = this.counters[this.index(r, id)]!;
      if (c < min) min = c;
    }
    return min;
  }

  private age(): void {
    const c = this.counters;
    for (let i = 0; i < c.length; i++) c[i] = c[i]! >>> 1;
    this.additions = Math.floor(this.additions / 2);
    this.ages++;
  }
}
