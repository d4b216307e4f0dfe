/**
 * ReaderFollow: a read-only DB that follows a live writer in the same
 * directory, from its open through every `DB.refresh()`.
 *
 * ```
 *  open     newest manifest + its WAL, replayed into the DB    (retried while
 *                                                               the writer's
 *  refresh  catch-up: the WAL appended since, in place          checkpoints
 *           + rebase: the writer's newer manifest, in place     retire segments
 *           or reload: a new store from the newest manifest     under the open)
 * ```
 * A catch-up reads only what the writer appended since the last refresh and
 * applies it to the DB's trees in place (LogFollower keeps the position). When
 * the writer has published a newer checkpoint, the reader moves to it in place
 * if no frame it reads from disk moved (FilePager.rebase); otherwise it keeps
 * its checkpoint for READER_REBASE_MS (the writer keeps its slots meanwhile)
 * and then reloads: a new store loaded from the newest manifest, keeping the
 * frames that did not change, whose trees the DB adopts.
 *
 * This module owns the reader's state: its refresh counters (they outlive
 * every store it reloads into), its position in the WAL, and the manifest it
 * last looked at and since when it reads its checkpoint. The DB keeps only the
 * store it reads through, which a reload replaces (FollowHost.useStore).
 */
import { HoltError } from '../errors.js';
import type { ReaderStats } from '../shapes/stats.js';
import { manifestIdentity, readManifest } from '../store/manifest.js';
import { newReplayCounters } from '../wal/replay.js';
import { emptyCatalog } from './catalog-state.js';
import { DurableStore, type DurableStoreOptions } from './durable-store.js';
import { LogFollower } from './log-follower.js';
import type { StoreHost, TreeState } from './tree-state.js';
import { writerIsLive } from './writer-presence.js';

/**
 * How long a reader may keep its checkpoint when the writer has published a
 * newer one that it cannot move to in place (a frame it reads moved: see
 * `catchUp`). Until then a refresh only reads the WAL the writer appended, and
 * the writer keeps that checkpoint's slots; after it, the refresh reloads from
 * the newest manifest (a replay of that checkpoint's WAL).
 */
export const READER_REBASE_MS = 5000;

/** Attempts of a reader open (or reload) that keeps racing the writer's checkpoints. */
const MAX_READER_ATTEMPTS = 20;

/** A reader's refreshes, across the stores it reloads into; public in ReaderStats. */
export type RefreshCounters = Omit<ReaderStats, 'generation' | 'retainedSlots'>;

/** A reader's refresh counters, all zero (also what a writer reports). */
export function newRefreshCounters(): RefreshCounters {
  return { catchUps: 0, reloads: 0, recordsApplied: 0, framesInherited: 0, rebases: 0 };
}

/** @internal A reader's options: DurableStoreOptions and one more test seam. */
export interface ReaderOptions extends DurableStoreOptions {
  /** READER_REBASE_MS for this reader (0: a refresh that cannot move to a newer checkpoint in place reloads at once). */
  readerRebaseMs?: number;
}

/** The DB a reader refreshes: its catalog and trees, changed in place, and the store it reads through. */
export interface FollowHost extends StoreHost {
  /** Read through `store` from now on (a reload's; the host has adopted its trees). */
  useStore(store: DurableStore): void;
}

/**
 * A reader found that a WAL segment it listed was deleted by the writer's
 * checkpoint: the open starts over from the newer manifest.
 */
export class WriterMovedOn extends HoltError {
  constructor(path: string) {
    // CORRUPT if it persists: in a directory no writer is changing, it is a lost segment.
    super('CORRUPT', `${path} is missing: retired by a live writer's checkpoint while this reader opened, or lost`, { file: path, offset: 0 });
  }
}

export class ReaderFollow {
  readonly counters: RefreshCounters = newRefreshCounters();
  private readonly dir: string;
  private readonly options: ReaderOptions;
  private readonly rebaseMs: number;
  /** The position in the WAL of the store the reader reads through. */
  private follower: LogFollower | null = null;
  /** The manifest file last looked at (manifestIdentity): parsed again only when it changed. */
  private manifestSeen = '';
  /** When the reader's manifest was loaded or rebased to (performance.now()). */
  private loadedAt = 0;

  constructor(dir: string, options: ReaderOptions) {
    this.dir = dir;
    this.options = options;
    const rebaseMs = options.readerRebaseMs;
    this.rebaseMs = typeof rebaseMs === 'number' && rebaseMs >= 0 ? rebaseMs : READER_REBASE_MS;
  }

  /**
   * Open the newest manifest and replay its WAL into the host `into(store)`
   * makes. A live writer's checkpoint may retire a segment this reader needs
   * while it opens (WriterMovedOn): it starts over from the newer manifest.
   */
  open<H extends StoreHost>(into: (store: DurableStore) => H): { store: DurableStore; host: H } {
    for (let attempt = 1; ; attempt++) {
      const openedAt = performance.now();
      // Read before the manifest: a manifest published after it is then seen as new.
      const seen = manifestIdentity(this.dir);
      const store = DurableStore.open(this.dir, this.options);
      let follower: LogFollower | null = null;
      try {
        const host = into(store);
        store.loadCheckpoint(host);
        follower = new LogFollower(store.io, store.segments, store.generation);
        this.replay(store, host, follower);
        this.follower?.close();
        this.follower = follower;
        this.manifestSeen = seen;
        this.loadedAt = openedAt;
        return { store, host };
      } catch (e) {
        follower?.close();
        store.abandon();
        if (!(e instanceof WriterMovedOn) || attempt >= MAX_READER_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * A reader's replay: from its manifest's segment on, with no gap (a live
   * writer may have published a newer manifest and deleted the segment since
   * this reader read its manifest; replaying only later segments over the
   * older manifest would skip records). Beside a live writer, a record that
   * does not decode is its current write: read up to it (a prefix). Without
   * one it is damage. The follower keeps the position for `catchUp`.
   */
  private replay(store: DurableStore, host: StoreHost, follower: LogFollower): void {
    const started = performance.now();
    const redo = store.redo(host);
    const r = follower.follow(store.segments.list(), writerIsLive(this.dir), (rec) => redo.apply(rec), store.open);
    if (r.missing !== null) throw new WriterMovedOn(r.missing);
    store.open.replayMillis = performance.now() - started;
  }

  /**
   * Move `host`, read through `store`, to the newest state of the directory
   * (see DB.refresh): a catch-up, with a rebase when it can, else a reload.
   * Throws only when a reload failed after the state began to change, with
   * `store` abandoned: the host must then close, since its trees may hold
   * part of a record.
   */
  refresh(host: FollowHost, store: DurableStore): void {
    const touched = new Set<number>();
    let current = false;
    try {
      current = this.catchUp(store, host, touched);
      // Scans of the trees that changed end with CLOSED; the others read on.
      for (const id of touched) {
        const t = host.trees.get(id);
        if (t !== undefined) t.core = t.core.renewed();
      }
    } catch {
      // Part of a record may have been applied: only a reload gives a state the writer committed.
    }
    if (current) {
      this.counters.catchUps++;
      return;
    }
    try {
      this.reload(host, store);
    } catch (e) {
      this.close();
      store.abandon();
      throw e;
    }
  }

  /**
   * Apply to `host` what the writer logged since the load or the last
   * catch-up, read as a live tail; `touched` collects the ids of the trees a
   * record changed. Then, when the writer has published a newer checkpoint,
   * move to it in place if nothing this reader may read from disk moved (see
   * FilePager.rebase): the reader claims the newer generation and the writer
   * may reuse what it no longer needs. Returns false when this state should
   * not be carried further and the caller must reload from the newest
   * manifest: a segment it needs was deleted, or the newest checkpoint has
   * moved frames this reader reads and it has kept its own for
   * READER_REBASE_MS. Whatever was applied before returning false is still a
   * prefix of the log.
   */
  private catchUp(store: DurableStore, host: StoreHost, touched: Set<number>): boolean {
    const redo = store.redo(host);
    const counts = newReplayCounters();
    let r;
    try {
      r = this.follower!.follow(store.segments.list(), true, (rec) => redo.apply(rec), counts);
    } finally {
      for (const id of redo.touched) touched.add(id);
    }
    this.counters.recordsApplied += counts.replayRecords;
    if (r.missing !== null) return false;
    const seen = manifestIdentity(this.dir);
    if (seen === this.manifestSeen) return true;
    const newest = readManifest(this.dir);
    if (newest === undefined || newest.walSegment === store.generation) {
      this.manifestSeen = seen;
      return true;
    }
    if (store.rebaseTo(newest)) {
      this.manifestSeen = seen;
      this.loadedAt = performance.now();
      this.counters.rebases++;
      return true;
    }
    return performance.now() - this.loadedAt < this.rebaseMs;
  }

  /** Load the newest checkpoint and its WAL into a new store, keeping unchanged frames, then switch `host` to it. */
  private reload(host: FollowHost, old: DurableStore): void {
    const { store, host: loaded } = this.open((next) => {
      this.counters.framesInherited += next.pager.inheritFrom(old.pager);
      return { catalog: emptyCatalog(), trees: new Map<number, TreeState>() };
    });
    adoptTrees(host, loaded);
    host.useStore(store);
    old.abandon();
    this.counters.reloads++;
  }

  /** Release the open WAL segment (the reader closes). */
  close(): void {
    this.follower?.close();
    this.follower = null;
  }
}

/** Switch `host` to a newer state of its trees: the same TreeState objects (handles hold them), new cores. */
function adoptTrees(host: StoreHost, loaded: StoreHost): void {
  host.catalog = loaded.catalog;
  for (const [id, t] of [...host.trees]) {
    const fresh = loaded.trees.get(id);
    if (fresh === undefined || fresh.name !== t.name) {
      t.dropped = true;
      host.trees.delete(id);
    }
  }
  for (const [id, fresh] of loaded.trees) {
    const t = host.trees.get(id);
    if (t === undefined) { host.trees.set(id, fresh); continue; }
    t.core = fresh.core;
    t.dropped = fresh.dropped;
  }
}
