/**
 * Key helpers shared by the peer adapters. Keys are either JS strings (path workloads,
 * ASCII, so UTF-16 order equals UTF-8 byte order) or Buffers (the kv workload).
 */

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when
 * no such bound exists (empty prefix, or all 0xff bytes). Used as the exclusive upper
 * bound of a prefix range, and to jump past a delimiter rollup in one seek.
 * @param {string | Buffer} prefix
 * @returns {string | Buffer | undefined}
 */
export function prefixEnd(prefix) {
  if (typeof prefix === 'string') {
    if (prefix.length === 0) return undefined;
    const last = prefix.charCodeAt(prefix.length - 1);
    return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  }
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

/**
 * The smallest key strictly greater than `key` (key + NUL).
 * @param {string | Buffer} key
 * @returns {string | Buffer}
 */
export function keySuccessor(key) {
  if (typeof key === 'string') return key + '\u0000';
  return Buffer.concat([key, Buffer.alloc(1)]);
}

/**
 * True when `key` starts with `prefix` (both of the same kind).
 * @param {string | Buffer} key
 * @param {string | Buffer} prefix
 * @returns {boolean}
 */
export function hasPrefix(key, prefix) {
  if (typeof key === 'string') return key.startsWith(/** @type {string} */ (prefix));
  return key.length >= prefix.length && key.compare(/** @type {Buffer} */ (prefix), 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * If `key` (which starts with `prefix`) contains `delimiter` after the prefix, returns the
 * rollup (key up to and including the delimiter); otherwise undefined.
 * @param {string | Buffer} key
 * @param {number} prefixLength
 * @param {string} delimiter a one-character delimiter
 * @returns {string | Buffer | undefined}
 */
export function rollupOf(key, prefixLength, delimiter) {
  if (typeof key === 'string') {
    const at = key.indexOf(delimiter, prefixLength);
    return at < 0 ? undefined : key.slice(0, at + 1);
  }
  const at = key.indexOf(delimiter.charCodeAt(0), prefixLength);
  return at < 0 ? undefined : key.subarray(0, at + 1);
}

/**
 * A flat (sequential) copy of an ASCII string. Template literals build rope strings that
 * V8 flattens on first use; flattening while the data set is built keeps that cost (and
 * the memory it frees) out of the timed loop and the memory figures.
 * @param {string} s
 * @returns {string}
 */
export const flat = (s) => Buffer.from(s, 'latin1').toString('latin1');
