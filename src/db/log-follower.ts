/**
 * LogFollower: a reader process's position in the WAL, so that a refresh
 * reads only what the writer appended since the last one instead of
 * replaying the whole log.
 *
 * The position is a segment, the offset after the last record read in it and
 * that record's sequence number. The follower keeps that segment open between
 * refreshes: a writer's checkpoint may delete the file meanwhile, and the
 * records the reader has not read yet stay readable through the open
 * descriptor (an unlinked file's data lives as long as a descriptor does).
 * Later segments are read from their start; they must follow with no gap.
 */
import type { FileHandle, Io } from '../io/types.js';
import { countReplayed, replayHandle, type ReplayCounters } from '../wal/replay.js';
import type { WalSegments } from '../wal/segments.js';
import type { WalRecord } from '../wal/wal-op.js';
import type { WalResumePoint } from '../wal/wal-reader.js';

/** Where one `follow` ended (what it read is counted into the caller's ReplayCounters). */
export interface FollowEnd {
  /** Highest sequence number seen (a segment's base when it holds no record yet); 0 when nothing was read. */
  highWater: number;
  /** A segment the position needs is gone: the caller must reload from the newer manifest. */
  missing: string | null;
}

export class LogFollower {
  private readonly io: Io;
  private readonly segments: WalSegments;
  private segment: number;
  private handle: FileHandle | null = null;
  private at: WalResumePoint | null = null;

  /** Starts before the first record of segment `first` (the manifest's). */
  constructor(io: Io, segments: WalSegments, first: number) {
    this.io = io;
    this.segments = segments;
    this.segment = first;
  }

  /**
   * Read every record after the position, through the current segment and
   * every later one in `listed` (the directory's segment numbers, listed
   * before this call: a segment listed after its successor exists holds all
   * its records). `liveTail`: a record that does not decode is the writer's
   * write in progress (see WalReader). Without it, a segment torn before its
   * end stops the read there: what follows a record never completed cannot
   * belong to the log's prefix. What it reads is counted into `counts`.
   */
  follow(listed: readonly number[], liveTail: boolean, onRecord: (r: WalRecord) => void, counts: ReplayCounters): FollowEnd {
    const out: FollowEnd = { highWater: 0, missing: null };
    const later = listed.filter((n) => n > this.segment);
    const gap = later.findIndex((n, i) => n !== this.segment + 1 + i);
    if (gap >= 0) return { ...out, missing: this.segments.path(this.segment + 1 + gap) };
    if (this.handle === null && !listed.includes(this.segment)) {
      // Not created yet (nothing to read), or deleted before this reader opened it.
      return later.length === 0 ? out : { ...out, missing: this.segments.path(this.segment) };
    }
    for (let i = -1; i < later.length; i++) {
      if (i >= 0) this.moveTo(later[i]!);
      if (this.handle === null) {
        try {
          this.handle = this.io.open(this.segments.path(this.segment), { readOnly: true });
        } catch {
          return { ...out, missing: this.segments.path(this.segment) };
        }
      }
      // Redo copies what it keeps (into frames, into catalog records): the records can borrow the read window.
      const r = replayHandle(this.handle, onRecord, this.at === null ? { liveTail, borrow: true } : { liveTail, borrow: true, from: this.at });
      this.at = { offset: r.endOffset, lastSeq: r.lastSeq };
      out.highWater = Math.max(out.highWater, countReplayed(counts, r));
      if (r.tornTailBytes > r.zeroTailBytes) break;
    }
    return out;
  }

  /** Release the open segment. */
  close(): void {
    const h = this.handle;
    this.handle = null;
    if (h !== null) try { h.close(); } catch { /* closed */ }
  }

  private moveTo(segment: number): void {
    this.close();
    this.segment = segment;
    this.at = null;
  }
}
