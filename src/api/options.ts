/**
 * The check `DB.open` runs on its options (shapes/options.ts) before anything
 * touches the directory: the one place they are validated.
 */
import type { DBOptions } from '../shapes/options.js';
import type { ReaderOptions } from '../db/reader-follow.js';
import { optionalBoolean, optionalOneOf, optionalPositive, optionNames, optionsObject } from './validate.js';

/** DBOptions plus `ioOverride` and `readerRebaseMs`, the store's and the reader's internal test seams (ReaderOptions). */
const DB_OPTIONS = optionNames<ReaderOptions>({
  durability: true, readOnly: true, cacheMB: true, checkpoint: true, io: true, ioOverride: true, readerRebaseMs: true,
});
const CHECKPOINT_OPTIONS = optionNames<Exclude<DBOptions['checkpoint'], false | undefined>>({ walBytes: true, intervalMs: true });

/** Throws INVALID_ARGUMENT unless `options` is undefined or a well-typed DBOptions; returns it with `{}` for undefined. */
export function checkDBOptions(options: unknown): DBOptions {
  const o = optionsObject(options, 'DB.open options', DB_OPTIONS);
  if (o === undefined) return {};
  optionalOneOf(o, 'durability', 'DB.open options', ['fast', 'sync']);
  optionalBoolean(o, 'readOnly', 'DB.open options');
  optionalPositive(o, 'cacheMB', 'DB.open options', false);
  optionalOneOf(o, 'io', 'DB.open options', ['native', 'fs']);
  const cp = o['checkpoint'];
  if (cp !== undefined && cp !== false) {
    const c = optionsObject(cp, 'DB.open options.checkpoint', CHECKPOINT_OPTIONS)!;
    optionalPositive(c, 'walBytes', 'DB.open options.checkpoint', true);
    optionalPositive(c, 'intervalMs', 'DB.open options.checkpoint', false);
  }
  return o as DBOptions;
}
