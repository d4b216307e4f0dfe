/**
 * The result slot of point lookups: where the last successful lookup found
 * its leaf. One shared object, so that a lookup allocates nothing; valid
 * until the next write (or, for a leaf read through the read index, the next
 * cold read).
 */
import type { Frame } from '../layout/frame.js';

/**
 * Out-slot (docs/DESIGN.md, "Out-slots") of `findLeaf`, `coldFindLeaf` and
 * `findLongestPrefix`: the frame and offset of the leaf found, read by their
 * callers right after a call that returned found.
 */
export const outFound = { frame: null as unknown as Frame, leaf: 0 };
