/**
 * Checks every answer an engine gives against the data set (which can recompute any key's
 * value from its index) and keeps a digest per phase, so run.mjs can also tell that all
 * engines returned the same thing. A benchmark that reads the wrong bytes fast is no result.
 */

import crypto from 'node:crypto';
import { bucketCount } from './dataset.mjs';

/** @param {string | Uint8Array} key */
const text = (key) => (typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1'));
/** @param {Uint8Array | undefined} a @param {Uint8Array} b */
const same = (a, b) => a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;
const MAX_EXAMPLES = 5;

export class AnswerLog {
  /** @param {import('./dataset.mjs').DataSet} data */
  constructor(data) {
    this.data = data;
    this.mismatches = 0;
    /** @type {string[]} */
    this.examples = [];
    /** @type {Map<string, crypto.Hash>} */
    this.hashes = new Map();
  }

  /** @param {string} phase @param {string} what */
  miss(phase, what) {
    this.mismatches++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(`${phase}: ${what}`);
  }

  /** @param {string} phase */
  hash(phase) {
    let h = this.hashes.get(phase);
    if (!h) this.hashes.set(phase, (h = crypto.createHash('sha256')));
    return h;
  }

  /**
   * @param {string} phase
   * @param {number} i  key index asked for
   * @param {Uint8Array | undefined} answer
   */
  get(phase, i, answer) {
    if (!same(answer, this.data.value(i))) this.miss(phase, `get ${this.data.key(i)} -> ${answer === undefined ? 'undefined' : Buffer.from(answer).toString()}`);
    this.hash(phase).update(answer ?? 'undefined').update('\n');
  }

  /**
   * `list` of the first n keys with values under bucket b.
   * @param {number} bucket @param {number} n @param {Array<[string | Uint8Array, Uint8Array]>} rows
   */
  list(bucket, n, rows) {
    const first = bucket * this.data.perBucket;
    const expected = Math.min(n, Math.max(0, Math.min(this.data.keys, first + this.data.perBucket) - first));
    if (rows.length !== expected) this.miss('list', `${this.data.bucketPrefix(bucket)}: ${rows.length} rows, expected ${expected}`);
    const h = this.hash('list');
    rows.forEach(([key, value], r) => {
      const k = text(key);
      if (r < expected && (k !== this.data.key(first + r) || !same(value, this.data.value(first + r)))) this.miss('list', `${this.data.bucketPrefix(bucket)} row ${r}: ${k}`);
      h.update(k).update('=').update(value).update('\n');
    });
  }

  /**
   * `list_dir` of the first n rollups under `bucket-` after the rollup of bucket `after`
   * (-1: from the start).
   * @param {number} after @param {number} n @param {Array<string | Uint8Array>} entries
   */
  listDir(after, n, entries) {
    const buckets = bucketCount(this.data);
    const want = [];
    for (let b = after + 1; b < buckets && want.length < n; b++) want.push(this.data.bucketPrefix(b));
    const got = entries.map(text);
    if (got.join('|') !== want.join('|')) this.miss('list_dir', `after ${after}: ${got.join(', ')}`);
    this.hash('list_dir').update(`${got.join('|')}\n`);
  }

  /**
   * The full scan, by totals (hashing every row would cost more than the scan).
   * @param {import('./engines/index.mjs').ScanTotals} totals
   * @param {{ keyBytes: number, valueBytes: number }} expected
   */
  scan(totals, expected) {
    const ok = totals.rows === this.data.keys && totals.keyBytes === expected.keyBytes && totals.valueBytes === expected.valueBytes;
    if (!ok) this.miss('scan', `${JSON.stringify(totals)}, expected ${this.data.keys} rows, ${JSON.stringify(expected)}`);
    this.hash('scan').update(JSON.stringify(totals));
  }

  summary() {
    /** @type {Record<string, string>} */
    const digests = {};
    for (const [phase, h] of this.hashes) digests[phase] = h.copy().digest('hex').slice(0, 16);
    return { mismatches: this.mismatches, examples: this.examples, digests };
  }
}
