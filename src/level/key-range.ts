/**
 * A Level range (`gt`/`gte`/`lt`/`lte`) as byte bounds, and the questions a cursor asks
 * of it. Byte order is Holt's order and LevelDB's: unsigned bytes, a prefix first.
 */
import { copyBytes, type LevelBytes } from './bytes.js';

/** Range options as abstract-level hands them to the private API (already encoded). */
export interface LevelRangeOptions {
  gt?: LevelBytes;
  gte?: LevelBytes;
  lt?: LevelBytes;
  lte?: LevelBytes;
}

const ZERO = Buffer.from([0]);

export class KeyRange {
  /** Every key, the empty key included. */
  static readonly ALL = new KeyRange(null, true, null, true);

  /** `null`: unbounded. */
  readonly lower: Buffer | null;
  readonly lowerInclusive: boolean;
  readonly upper: Buffer | null;
  readonly upperInclusive: boolean;
  private end: Buffer | null | undefined;

  private constructor(lower: Buffer | null, lowerInclusive: boolean, upper: Buffer | null, upperInclusive: boolean) {
    this.lower = lower;
    this.lowerInclusive = lowerInclusive;
    this.upper = upper;
    this.upperInclusive = upperInclusive;
  }

  /** `gte` wins over `gt` and `lte` over `lt`, as abstract-level specifies. */
  static from(options: LevelRangeOptions): KeyRange {
    const lower = options.gte ?? options.gt;
    const upper = options.lte ?? options.lt;
    return new KeyRange(
      lower === undefined ? null : copyBytes(lower),
      options.gte !== undefined,
      upper === undefined ? null : copyBytes(upper),
      options.lte !== undefined,
    );
  }

  /** Whether `key` is at or above the lower bound. */
  aboveLower(key: Buffer): boolean {
    if (this.lower === null) return true;
    const c = Buffer.compare(key, this.lower);
    return c > 0 || (c === 0 && this.lowerInclusive);
  }

  /** Whether `key` is at or below the upper bound. */
  belowUpper(key: Buffer): boolean {
    if (this.upper === null) return true;
    const c = Buffer.compare(key, this.upper);
    return c < 0 || (c === 0 && this.upperInclusive);
  }

  contains(key: Buffer): boolean {
    return this.aboveLower(key) && this.belowUpper(key);
  }

  /**
   * The exclusive upper bound a forward Holt scan takes as `end`, or null for none.
   * `lte: k` becomes `k + 0x00`, the smallest key above `k`.
   */
  scanEnd(): Buffer | null {
    // Computed once: a cursor asks again after every seek.
    if (this.end === undefined) this.end = this.upper === null ? null : this.upperInclusive ? Buffer.concat([this.upper, ZERO]) : this.upper;
    return this.end;
  }
}
