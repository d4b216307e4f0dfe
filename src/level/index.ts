/**
 * `holt/level`: HoltLevel, an abstract-level database over one Holt tree (docs/LEVEL.md).
 * Needs the optional peer dependency `abstract-level` (3.x).
 */
export { HoltLevel, DEFAULT_LEVEL_TREE } from './holt-level.js';
export type { HoltDBOptions, HoltLevelOptions, HoltWriteOptions } from './holt-level.js';
export { HoltSnapshot } from './holt-snapshot.js';
export { EMPTY_KEY_TREE } from './level-store.js';
