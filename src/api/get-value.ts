/**
 * What a get hands out from a found leaf, and the get options that decide
 * it: one place for `get`, `getAsync` and `getManyAsync`.
 */
import type { Frame } from '../layout/frame.js';
import { leafKeyLen, leafKeyStart, leafValueLen } from '../layout/leaf.js';
import { leafValue } from '../art/read-leaf.js';
import { utf8Of } from '../art/scan-entry.js';
import type { GetOptions } from './types.js';
import { ENCODINGS } from './scan-options.js';
import { optionalOneOf, optionNames, optionsObject } from './validate.js';

const GET_OPTIONS = optionNames<GetOptions>({ valueEncoding: true });

/** Whether get options (checked here: INVALID_ARGUMENT) ask for a string. */
export function getUtf8(options: GetOptions | undefined): boolean {
  if (options === undefined) return false;
  const o = optionsObject(options, 'get options', GET_OPTIONS);
  return o !== undefined && optionalOneOf(o, 'valueEncoding', 'get options', ENCODINGS) === 'utf8';
}

/** The value of the leaf at `leaf` in `f`: a Buffer copy, or (`utf8`) a string decoded from the stored bytes. */
export function valueOfLeaf(f: Frame, leaf: number, utf8: boolean): Buffer | string {
  if (!utf8) return leafValue(f, leaf);
  const vs = leafKeyStart(leaf) + leafKeyLen(f, leaf);
  return utf8Of(f.u8, vs, vs + leafValueLen(f, leaf));
}

/** `valueOfLeaf` as a function of the leaf alone, one per encoding (no closure per call). */
export const valueAsBuffer = (f: Frame, leaf: number): Buffer | string => valueOfLeaf(f, leaf, false);
export const valueAsString = (f: Frame, leaf: number): Buffer | string => valueOfLeaf(f, leaf, true);
