/**
 * EmptyRoot: the root of a frame (or tree) that holds no keys.
 *
 * ```
 *  +0 u8 0   +1 u8 type = NODE_EMPTY_ROOT   +2..+8 zero
 *  size = 8
 * ```
 */
export const EMPTY_ROOT_SIZE = 8;
