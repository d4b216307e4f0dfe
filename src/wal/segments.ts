/**
 * WalSegments: the lifecycle of a directory's WAL segment files.
 *
 * ```
 *  DIR/wal-NNNNNN.log   one per checkpoint interval; the manifest names the first live one
 * ```
 * Appends go to the current segment. A checkpoint switches to the next one:
 * the old segment's buffered records are handed to the OS first (so a killed
 * process can never leave a later segment holding records whose predecessors
 * were lost with its memory), and it stays "unclosed" until its final write
 * and fdatasync succeed: `sync()` closes unclosed segments before syncing the
 * current one, so nothing in them is acknowledged before it is durable and
 * the durable log stays a prefix of what was appended. Segments the published
 * manifest covers are deleted. A segment's counters outlive its writer in
 * `totals`.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { HoltError } from '../errors.js';
import type { Io } from '../io/types.js';
import { countReplayed, replayWal, type ReplayCounters } from './replay.js';
import type { WalRecord } from './wal-op.js';
import { WalWriter } from './wal-writer.js';
import { WalTotals } from './wal-totals.js';

const SEGMENT_RE = /^wal-(\d{6,})\.log$/;

export function segmentName(n: number): string {
  return `wal-${String(n).padStart(6, '0')}.log`;
}

export class WalSegments {
  private readonly dir: string;
  private readonly io: Io;
  private readonly durability: 'default' | 'sync';
  /** The segment appends go to; null until `start` (and for readers, always). */
  current: WalWriter | null = null;
  /** Its number (for a reader: the manifest's first live segment). */
  number: number;
  /** Segments no longer appended to whose close has not succeeded yet, oldest first. */
  private readonly unclosed: WalWriter[] = [];
  /** The segment a running checkpoint is closing: still counted in stats until retired. */
  retiring: WalWriter | null = null;
  readonly totals = new WalTotals();

  constructor(dir: string, io: Io, durability: 'default' | 'sync', first: number) {
    this.dir = dir;
    this.io = io;
    this.durability = durability;
    this.number = first;
  }

  path(n: number): string {
    return join(this.dir, segmentName(n));
  }

  /** Segment numbers present in the directory, ascending. */
  list(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = SEGMENT_RE.exec(name);
      if (m !== null) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /** Delete every segment numbered below `n` (the manifest covers them); returns how many were deleted. */
  deleteBefore(n: number): number {
    let deleted = 0;
    for (const s of this.list()) {
      if (s >= n) continue;
      try {
        unlinkSync(this.path(s));
        deleted++;
      } catch { /* already gone */ }
    }
    return deleted;
  }

  /**
   * A writer's open: delete the segments below `first` (the manifest covers
   * them) and start appending to a new one after every segment there is, its
   * versions continuing after `baseSeq`. Returns how many were deleted.
   */
  startAfter(first: number, baseSeq: number): number {
    const listed = this.list();
    const deleted = this.deleteBefore(first);
    this.start(Math.max(first, (listed[listed.length - 1] ?? 0) + 1), baseSeq);
    return deleted;
  }

  /** Start appending to a new segment `n` whose versions continue after `baseSeq`. */
  start(n: number, baseSeq: number): void {
    this.current = this.open(n, baseSeq);
    this.number = n;
  }

  /**
   * Checkpoint capture: hand the current segment to the OS, start segment
   * `number + 1` after `baseSeq`, and return the old writer, now unclosed and
   * retiring until `retire` (after the round, whatever its outcome).
   */
  switchNext(baseSeq: number): WalWriter {
    const old = this.current!;
    old.handOff();
    this.current = this.open(this.number + 1, baseSeq);
    this.number++;
    this.unclosed.push(old);
    this.retiring = old;
    return old;
  }

  /** The round that switched away from `old` is over: fold its counters into the totals. */
  retire(old: WalWriter): void {
    this.totals.retire(old.stats());
    if (this.retiring === old) this.retiring = null;
  }

  /** Close every unclosed segment, oldest first; throws (keeping the rest) while one fails. */
  async closeUnclosed(): Promise<void> {
    while (this.unclosed.length > 0) {
      const w = this.unclosed[0]!;
      await w.close(); // concurrent callers share WalWriter's close promise
      if (this.unclosed[0] === w) this.unclosed.shift();
    }
  }

  /**
   * Replay every segment from `first` on, in order, counting into `counts`;
   * returns the highest sequence number they name (0 when none). Records
   * borrow the read window: `onRecord` copies what it keeps. A segment
   * missing before a later one is CORRUPT.
   */
  replayFrom(first: number, onRecord: (r: WalRecord) => void, counts: ReplayCounters): number {
    const live = this.list().filter((n) => n >= first);
    const gap = live.findIndex((n, i) => n !== first + i);
    if (gap >= 0) {
      // There is no newer manifest to start from: the records are gone.
      const missing = this.path(first + gap);
      throw new HoltError('CORRUPT', `WAL segment ${missing} is missing but later segments exist`, { file: missing, offset: 0 });
    }
    let highWater = 0;
    for (const n of live) highWater = Math.max(highWater, countReplayed(counts, replayWal({ io: this.io, path: this.path(n), onRecord, borrow: true })));
    return highWater;
  }

  /** Make everything appended so far durable now, blocking, oldest segment first (see WalWriter.syncNow). */
  syncNow(): void {
    for (const w of this.unclosed) w.syncNow();
    this.current?.syncNow();
  }

  /** Everything appended so far is durable. */
  async sync(): Promise<void> {
    await this.closeUnclosed();
    if (this.current !== null) await this.current.sync();
  }

  /** Make the whole log durable and close it (the files stay). */
  async close(): Promise<void> {
    await this.closeUnclosed();
    await this.current?.close();
  }

  private open(n: number, baseSeq: number): WalWriter {
    return WalWriter.open({ io: this.io, path: this.path(n), durability: this.durability, initialBaseSeq: baseSeq });
  }
}
