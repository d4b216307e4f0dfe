/**
 * Slot table: an append-only log of bump allocations, rebuilt by compaction.
 *
 * ```
 *  entry (u32) = bits 0..16  body offset / 8   (offsets < 512 KiB fit in 17 bits)
 *                bits 17..31 node type
 * ```
 * Children are addressed by byte offset (child-ref.ts), so the table is
 * bookkeeping: it caps a frame at MAX_SLOTS bump allocations (a reason to
 * compact or spill) and lets `verify()` check that every reachable body was
 * really allocated.
 */
export const SLOT_OFFSET_BITS = 17;
export const SLOT_OFFSET_MASK = (1 << SLOT_OFFSET_BITS) - 1;

export function encodeSlot(bodyOffset: number, type: number): number {
  return ((bodyOffset >>> 3) | (type << SLOT_OFFSET_BITS)) >>> 0;
}

export function slotOffset(entry: number): number {
  return (entry & SLOT_OFFSET_MASK) << 3;
}

export function slotType(entry: number): number {
  return entry >>> SLOT_OFFSET_BITS;
}
