/**
 * The DuckDB bridge's `key` and `key_bytes` columns over long keys and long
 * rollups: exact bytes at every length up to MAX_KEY_BYTES, every byte value in
 * the keys, and the delimiters SQL can pass (NUL, '/', 0x7F), checked against
 * the sorted-map oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanOptions } from '../../src/api/types.js';
import { MAX_KEY_BYTES } from '../../src/layout/leaf.js';
import { Oracle, scanOracle } from '../art/oracle.js';
import { Rng } from '../support/rng.mjs';
import { openBridge, type Bridge } from './helpers.js';

const LENGTHS = [1, 1023, 1024, 1025, 2047, 2048, 2049, 4097, 8193, MAX_KEY_BYTES - 2];
const DELIMITERS = [0x00, 0x2f, 0x7f];

let bridge: Bridge;
const oracle = new Oracle();

/** ASCII heads (a SQL VARCHAR prefix must be valid UTF-8) that hold no delimiter. */
function head(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let v = 1 + (i % 127);
    if (DELIMITERS.includes(v)) v = 0x41;
    b[i] = v;
  }
  return b;
}

beforeAll(async () => {
  bridge = await openBridge();
  const t = bridge.db.tree('long');
  const rng = new Rng(42);
  for (const n of LENGTHS) {
    const h = head(n);
    for (const d of DELIMITERS) {
      for (const tail of [Buffer.from([d, 0x78]), Buffer.from([d, 0xff, 0x00, 0x80]), rng.bytes(3)]) {
        const k = Buffer.concat([h, tail]).subarray(0, MAX_KEY_BYTES);
        const v = rng.bytes(rng.range(0, 30));
        oracle.set(k, v, t.put(k, v));
      }
    }
  }
});

afterAll(async () => {
  await bridge.close();
});

function sqlString(b: Buffer): string {
  return `'${b.toString('latin1').replace(/'/g, "''")}'`;
}

async function listing(prefix: Buffer, d: number | undefined, extra = ''): Promise<{ bytes: Buffer; key: string; isPrefix: boolean }[]> {
  const delim = d === undefined ? '' : `, delimiter := chr(${d})`;
  const r = await bridge.connection.runAndReadAll(
    `SELECT key_bytes, key, is_prefix FROM holt_scan('long', ${sqlString(prefix)}${delim}${extra})`,
  );
  return r.getRows().map((row) => {
    const blob = row[0] as { bytes: Uint8Array };
    return { bytes: Buffer.from(blob.bytes), key: row[1] as string, isPrefix: row[2] as boolean };
  });
}

describe('holt_scan key and key_bytes over long keys', () => {
  it('every key is exact in key_bytes, and key is its UTF-8 reading', async () => {
    const rows = await listing(Buffer.alloc(0), undefined);
    const want = oracle.sorted();
    expect(rows.length).toBe(want.length);
    rows.forEach((row, i) => {
      const k = want[i]!.key;
      expect(row.bytes.equals(k), `row ${i}: ${k.length}-byte key`).toBe(true);
      expect(row.key).toBe(k.toString('utf8'));
    });
  });

  for (const d of DELIMITERS) {
    it(`rollups under delimiter 0x${d.toString(16)} are exact at every length, also paged and reversed`, async () => {
      for (const n of [0, 1, 1000, 2047, 4097]) {
        const prefix = head(n);
        for (const [extra, opts] of [
          ['', {}],
          [', reverse := true', { reverse: true }],
          [', max_keys := 3', { limit: 3 }],
        ] as [string, ScanOptions][]) {
          const want = scanOracle(oracle.sorted(), { prefix, delimiter: d, ...opts });
          const rows = await listing(prefix, d, extra);
          expect(rows.length, `prefix ${n} bytes ${extra}`).toBe(want.length);
          rows.forEach((row, i) => {
            expect(row.bytes.equals(want[i]!.key), `prefix ${n} ${extra} row ${i} (${want[i]!.key.length} bytes)`).toBe(true);
            expect(row.isPrefix).toBe(want[i]!.kind === 'prefix');
          });
        }
      }
    });
  }
});
