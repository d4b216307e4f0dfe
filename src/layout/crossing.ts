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
import type { Frame } from './frame.js';

export const CROSSING_ROOT = 2;
export const CROSSING_CHILD_FRAME = 4;
export const CROSSING_SIZE = 8;

/** The id of the frame the Crossing at `off` leads into. */
export function crossingChildFrame(f: Frame, off: number): number {
  return f.u32[(off + CROSSING_CHILD_FRAME) >>> 2]!;
}

/** The root index, in its child frame, where the walk resumes past the Crossing at `off`. */
export function crossingRoot(f: Frame, off: number): number {
  return f.u16[(off + CROSSING_ROOT) >>> 1]!;
}

/** Point the Crossing at `off` at root `root` of frame `childFrame`. */
export function setCrossingTarget(f: Frame, off: number, childFrame: number, root: number): void {
  f.u32[(off + CROSSING_CHILD_FRAME) >>> 2] = childFrame;
  f.u16[(off + CROSSING_ROOT) >>> 1] = root;
}
