/**
 * Crossing: the edge from one frame into the root of a child frame.
 *
 * ```
 *  +0 u8  reserved (0)
 *  +1 u8  type = NODE_CROSSING
 *  +2 u16 root index in the child frame
 *  +4 u32 child frame id
 *  size = 8
 * ```
 * The crossing consumes no key bytes and stores no entry point: the walk
 * resumes at the child frame's root ref of that index, so compacting a child
 * never rewrites its parent.
 */
export const CROSSING_ROOT = 2;
export const CROSSING_CHILD_FRAME = 4;
export const CROSSING_SIZE = 8;
