/**
 * SlotMap: where each frame lives in the data file, and which slots are free.
 *
 * The data file is an array of slots (slot N at byte N x SLOT_BYTES: a frame
 * image followed by its read index). A slot is never overwritten while a
 * manifest that names it may still be read, so every slot is in exactly one
 * of four states, and this class owns the sets that say which:
 *
 *   named     `slots` maps a frame id to it: the newest published manifest
 *             names it, and reads of that frame go there.
 *   retired   no longer named by the newest manifest, but an older manifest
 *             that a reader process may still read (db/reader-table.ts) does:
 *             kept in `retired` under the generation from which it is unnamed.
 *   free      in `freeSlots`: nothing names it, a checkpoint may write it.
 *   taken     handed out by `take()` to a running checkpoint round, not yet
 *             named (a rolled-back round `free`s it again: no manifest ever
 *             named it).
 *   spilled   taken by a spill (FilePager.spill): it holds the newest image of
 *             a frame, newer than the named one, which reads of that frame go
 *             to (`slotOf`), but no manifest names it yet. The next round
 *             publishes it as it is (`adopt`), unless the frame changed again
 *             or was released first: then it is free again (`dropSpill`),
 *             since nothing but this process ever read it. While a round is
 *             publishing it, it is also `adopting`, and stays out of the free
 *             pool whatever happens to the frame; the round's end decides.
 *             After a crash nothing names it: it is free (see the constructor).
 *
 * Slots at or past `nextSlot` do not exist yet; `take()` grows the file only
 * when nothing is free. The checkpoint round (FilePager.captureRound and
 * friends) and the spill drive the transitions; this class only keeps them
 * consistent.
 */
import { HoltError } from '../errors.js';
import { SLOT_BYTES } from '../layout/read-index.js';

/** Byte offset of data-file slot `slot`. */
export function slotOffset(slot: number): number {
  return slot * SLOT_BYTES;
}

export class SlotMap {
  /** The data file, for the CORRUPT error of a frame without a slot. */
  private readonly dataPath: string;
  /** Frame id -> slot, as the newest published manifest names them. */
  private readonly slots: Map<number, number>;
  /** Free slots, highest first, so that `take()` pops the lowest. */
  private readonly freeSlots: number[] = [];
  /**
   * Slots no longer named by the newest manifest, by the generation (manifest
   * WAL segment) from which on they are unnamed: reusable once no reader
   * process reads an older manifest.
   */
  private readonly retired: { generation: number; slots: number[] }[] = [];
  private nextSlot: number;
  /** Frame id -> the spill slot holding its newest image, not named by any manifest yet. */
  private readonly spilled = new Map<number, number>();
  /** Spill slots the running round publishes (see `adopt`). */
  private readonly adopting = new Set<number>();

  /**
   * The slot map of a manifest of `generation` naming `slots` (taken over, not
   * copied) below `nextSlot`. Slots it does not name may still be named by an
   * older manifest a reader process reads: they start retired under
   * `generation`, free once readers are all at it.
   */
  constructor(dataPath: string, slots: Map<number, number>, nextSlot: number, generation: number) {
    this.dataPath = dataPath;
    this.slots = slots;
    this.nextSlot = nextSlot;
    const used = new Set(slots.values());
    const unnamed: number[] = [];
    for (let s = 0; s < nextSlot; s++) if (!used.has(s)) unnamed.push(s);
    if (unnamed.length > 0) this.retired.push({ generation, slots: unnamed });
  }

  /** The slot frame `id` is read from (its spill slot, else its named one); CORRUPT (with the data file) when there is none. */
  slotOf(id: number): number {
    const slot = this.spilled.get(id) ?? this.slots.get(id);
    if (slot === undefined) throw new HoltError('CORRUPT', `frame ${id} is referenced but has no slot in the manifest`, { file: this.dataPath });
    return slot;
  }

  /** The slot the manifest names for frame `id`, if any. */
  get(id: number): number | undefined {
    return this.slots.get(id);
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Frame ids the manifest names. */
  frameIds(): IterableIterator<number> {
    return this.slots.keys();
  }

  /** The first slot past the end of the data file's used part. */
  get end(): number {
    return this.nextSlot;
  }

  /** A copy of frame id -> slot, for a manifest to change and publish. */
  copy(): Map<number, number> {
    return new Map(this.slots);
  }

  /** A slot for a new image: the lowest free one, or a new one at the end. */
  take(): number {
    return this.freeSlots.pop() ?? this.nextSlot++;
  }

  /** `slots` may be written again (nothing names them any more). */
  free(slots: Iterable<number>): void {
    for (const s of slots) this.freeSlots.push(s);
    this.freeSlots.sort((a, b) => b - a);
  }

  /**
   * A manifest of `generation` is published: frames in `released` are gone,
   * frames in `placed` (frame id, slot) live at their new slots, and the slots
   * in `superseded` are retired from `generation` on.
   */
  publish(released: readonly number[], placed: Iterable<readonly [number, number]>, superseded: number[], generation: number): void {
    for (const id of released) this.slots.delete(id);
    for (const [id, slot] of placed) this.slots.set(id, slot);
    if (superseded.length > 0) this.retired.push({ generation, slots: superseded });
  }

  /**
   * Frame `id`'s newest image is at `slot` (just written by a spill); returns
   * the spill slot it replaces, if nothing will publish that one: the caller
   * frees it (`free`, or `retire` while reads in flight may still read it).
   */
  spill(id: number, slot: number): number | undefined {
    const old = this.spilled.get(id);
    this.spilled.set(id, slot);
    return old === undefined ? undefined : this.unlessAdopting(old);
  }

  /** Frame `id` changed again or was released: returns its spill slot, if any and nothing will publish it (the caller frees it). */
  dropSpill(id: number): number | undefined {
    const old = this.spilled.get(id);
    if (old === undefined) return undefined;
    this.spilled.delete(id);
    return this.unlessAdopting(old);
  }

  /** The slot frame `id`'s newest image is in (its spill slot, else its named one), if any. */
  current(id: number): number | undefined {
    return this.spilled.get(id) ?? this.slots.get(id);
  }

  /** `slots`, named by no manifest, may be written again once readers are all at `generation` (see `releaseRetired`). */
  retire(slots: number[], generation: number): void {
    this.retired.push({ generation, slots });
  }

  /** Frame ids with an unpublished spill slot. */
  spilledIds(): IterableIterator<number> {
    return this.spilled.keys();
  }

  /** Frames with an unpublished spill slot. */
  get spilledFrames(): number {
    return this.spilled.size;
  }

  /** The spill slots a round about to be captured publishes as they are (frame id, slot); they are `adopting` until `endAdoption`. */
  adopt(): [number, number][] {
    const out: [number, number][] = [];
    for (const [id, slot] of this.spilled) {
      out.push([id, slot]);
      this.adopting.add(slot);
    }
    return out;
  }

  /**
   * The round that adopted `adopted` ended. Published: each slot is named
   * now, so a frame whose spill slot is still that one has none left.
   * Rolled back: a slot its frame still reads stays spilled (the next round
   * adopts it); one replaced since is returned, for the caller to free.
   */
  endAdoption(adopted: readonly (readonly [number, number])[], published: boolean): number[] {
    const freed: number[] = [];
    for (const [id, slot] of adopted) {
      this.adopting.delete(slot);
      if (this.spilled.get(id) === slot) {
        if (published) this.spilled.delete(id);
      } else if (!published) {
        freed.push(slot);
      }
    }
    return freed;
  }

  private unlessAdopting(slot: number): number | undefined {
    return this.adopting.has(slot) ? undefined : slot;
  }

  /**
   * Free the retired slots no reader needs (readers are all at `oldestReader`
   * or newer); returns them, so that caches of their old bytes can be dropped.
   */
  releaseRetired(oldestReader: number): number[] {
    const freed: number[] = [];
    let kept = 0;
    for (const r of this.retired) {
      if (r.generation <= oldestReader) freed.push(...r.slots);
      else this.retired[kept++] = r;
    }
    this.retired.length = kept;
    if (freed.length > 0) this.free(freed);
    return freed;
  }

  /** Slots waiting for reader processes to move on (stats). */
  get retiredSlots(): number {
    let n = 0;
    for (const r of this.retired) n += r.slots.length;
    return n;
  }

  /**
   * A reader moves to a newer manifest's `frames` in place: possible when
   * every frame it may still read from the data file (every named one except
   * those in `notRead`, which it changed or released) is named by `frames` at
   * the same slot. Adopts `frames` and returns true, or returns false and
   * changes nothing. (Why the bytes are then the same: FilePager.rebase.)
   */
  rebase(frames: ReadonlyMap<number, number>, notRead: ReadonlySet<number>): boolean {
    for (const [id, slot] of this.slots) {
      if (notRead.has(id)) continue;
      if (frames.get(id) !== slot) return false;
    }
    this.slots.clear();
    for (const [id, slot] of frames) this.slots.set(id, slot);
    return true;
  }
}
