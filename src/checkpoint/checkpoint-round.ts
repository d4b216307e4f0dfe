/**
 * One checkpoint round: capture, write, publish, retire.
 *
 * 1. Capture (synchronous, so no write can interleave): switch appends to the
 *    next WAL segment; the pager copies every dirty frame's bytes into a pool
 *    buffer, seals it with its checksum, builds its read index and gives it a
 *    fresh slot (FilePager.captureRound), and names frames a spill wrote
 *    and that did not change since at their spill slot, without writing them
 *    again; snapshot the catalog and tree roots
 *    into the next manifest. Frames written after this point are simply
 *    dirty again and belong to the next round.
 * 2. Make the old WAL segments durable, write the images and their read
 *    indexes, fdatasync the data file.
 * 3. Publish the manifest (tmp + rename + directory fsync). This is the
 *    commit point: before it, a crash reopens the old manifest plus every WAL
 *    segment; after it, the new manifest plus the new segment.
 * 4. Retire what the manifest no longer names: superseded slots (reused once
 *    no reader process reads an older manifest), covered WAL segments.
 *    A round that fails before publishing rolls the pager back: everything it
 *    captured is pending again.
 */
import type { FileHandle } from '../io/types.js';
import { FRAME_SIZE } from '../layout/frame-header.js';
import type { CapturedImage } from '../store/captured-round.js';
import type { FilePager } from '../store/file-pager.js';
import { slotOffset } from '../store/slot-map.js';
import { publishManifest, type Manifest } from '../store/manifest.js';
import type { Io } from '../io/types.js';
import type { WalSegments } from '../wal/segments.js';
import { toHoltIoError } from '../wal/wal-errors.js';

/** The rounds' running counters (public in CheckpointStats, with the debt computed on read). */
export interface CheckpointCounters {
  /** Rounds started (a round with nothing to do is not counted). */
  attempted: number;
  succeeded: number;
  failed: number;
  framesWritten: number;
  bytesWritten: number;
  lastRoundMillis: number;
  /** WAL segments deleted because a published manifest covers them. */
  walSegmentsDeleted: number;
  /** Message of the last failed round, null once a round succeeds. */
  lastError: string | null;
}

/** What a round works on; the store provides it. */
export interface RoundParts {
  readonly dir: string;
  readonly io: Io;
  readonly pager: FilePager;
  readonly segments: WalSegments;
  /** Whether anything was logged since the last capture (set again by a failed round). */
  changed: boolean;
  /** The store stopped: no round may start. */
  readonly closed: boolean;
  /** The catalog records and tree roots the next manifest names. */
  manifestContent(): Pick<Manifest, 'catalog' | 'trees'>;
  /** The oldest manifest generation a live reader process reads (Infinity when none). */
  oldestReader(): number;
  /** The round's manifest is published. */
  published(manifest: Manifest): void;
}

/**
 * Step 2: write every image and its read index at its slot, then fdatasync
 * the data file; also when nothing is written but `spilled` (a spill wrote
 * images this round publishes, and a spill does not fdatasync).
 */
export async function writeImages(data: FileHandle, images: readonly CapturedImage[], spilled = false): Promise<number> {
  let bytes = 0;
  // Batches of 32 frames keep the pinned memory of one write call bounded.
  for (let i = 0; i < images.length; i += 32) {
    const batch = images.slice(i, i + 32).flatMap((c) => [
      { buf: c.image, offset: slotOffset(c.slot) },
      { buf: c.index, offset: slotOffset(c.slot) + FRAME_SIZE },
    ]);
    bytes += await data.pwriteManyAsync(batch);
  }
  if (images.length > 0 || spilled) await data.fdatasyncAsync();
  return bytes;
}

/** Runs rounds one after another and keeps their counters. */
export class Checkpointer {
  readonly counters: CheckpointCounters = {
    attempted: 0, succeeded: 0, failed: 0, framesWritten: 0, bytesWritten: 0, lastRoundMillis: 0, walSegmentsDeleted: 0, lastError: null,
  };
  private chain: Promise<void> = Promise.resolve();

  /** Run one round after any round already in flight. */
  run(parts: RoundParts): Promise<void> {
    const round = this.chain.then(() => this.round(parts));
    this.chain = round.catch(() => undefined);
    return round;
  }

  private async round(parts: RoundParts): Promise<void> {
    const { pager, segments } = parts;
    if (segments.current === null || parts.closed) return;
    if (!parts.changed && !pager.hasChanges) return;
    this.counters.attempted++;
    const started = performance.now();

    // 1. Capture.
    const highWater = segments.current.nextSeq - 1;
    const oldWal = segments.switchNext(highWater);
    const nextSegment = segments.number;
    parts.changed = false;
    const captured = pager.captureRound();
    const manifest: Manifest = {
      highWater,
      walSegment: nextSegment,
      nextFrameId: captured.nextFrameId,
      nextSlot: captured.nextSlot,
      ...parts.manifestContent(),
      frames: captured.frames,
    };

    // 2-3. Write and publish.
    try {
      await segments.closeUnclosed();
      const bytes = await writeImages(pager.data, captured.images, captured.adopted.length > 0);
      publishManifest(parts.io, parts.dir, manifest);
      this.counters.framesWritten += captured.images.length;
      this.counters.bytesWritten += bytes;
    } catch (e) {
      // Nothing is published: the old manifest and every segment still describe the data.
      pager.rollbackRound(captured);
      parts.changed = true;
      this.counters.failed++;
      this.counters.lastError = (e as Error).message;
      // ENOSPC from the data file or the manifest is NO_SPACE, like the WAL's.
      throw toHoltIoError(e, (e as { path?: unknown }).path as string | undefined ?? parts.dir, 'checkpoint failed');
    } finally {
      segments.retire(oldWal);
    }

    // 4. Retire what the new manifest no longer names.
    pager.commitRound(captured, nextSegment);
    pager.releaseRetired(parts.oldestReader());
    this.counters.walSegmentsDeleted += segments.deleteBefore(nextSegment);
    this.counters.succeeded++;
    this.counters.lastRoundMillis = performance.now() - started;
    this.counters.lastError = null;
    parts.published(manifest);
  }
}
