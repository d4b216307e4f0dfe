/**
 * Test oracles: a sorted map with the semantics a Tree promises, and
 * key/value generators (drawing from test/support/rng.mjs) shaped to stress the tree.
 */
import type { HoltRecord, ScanEntry, ScanOptions } from '../../src/api/types.js';
import type { Rng } from '../support/rng.mjs';

export interface OracleRecord {
  key: Buffer;
  value: Buffer;
  version: number;
}

/** The sorted-map model of one tree. */
export class Oracle {
  readonly map = new Map<string, OracleRecord>();

  private static id(k: Buffer): string { return k.toString('latin1'); }
  get(k: Buffer): OracleRecord | undefined { return this.map.get(Oracle.id(k)); }
  has(k: Buffer): boolean { return this.map.has(Oracle.id(k)); }
  set(k: Buffer, value: Buffer, version: number): void { this.map.set(Oracle.id(k), { key: Buffer.from(k), value: Buffer.from(value), version }); }
  delete(k: Buffer): boolean { return this.map.delete(Oracle.id(k)); }
  get size(): number { return this.map.size; }

  sorted(): OracleRecord[] {
    return [...this.map.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  }

  longestPrefix(q: Buffer): OracleRecord | undefined {
    for (let n = q.length; n > 0; n--) {
      const r = this.get(q.subarray(0, n));
      if (r !== undefined) return r;
    }
    return undefined;
  }

  count(p: Buffer): number {
    let n = 0;
    for (const r of this.map.values()) if (startsWith(r.key, p)) n++;
    return n;
  }

  /** The listing `tree.scan(options)` must produce (see scanOracle). */
  scan(options: ScanOptions): ScanEntry[] {
    return scanOracle(this.sorted(), options);
  }
}

export function startsWith(k: Buffer, p: Buffer): boolean {
  return k.length >= p.length && k.compare(p, 0, p.length, 0, p.length) === 0;
}

function toBuf(v: string | Uint8Array): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

function delimByte(d: string | number | undefined): number {
  if (d === undefined) return -1;
  return typeof d === 'number' ? d : Buffer.from(d, 'utf8')[0]!;
}

/**
 * S3 listing semantics, by brute force over the sorted records:
 * keys in byte order (descending with reverse) filtered by prefix, end
 * (exclusive) and startAfter (strictly after, in scan direction); with a
 * delimiter, a key with the delimiter after the prefix rolls up to
 * prefix + ... + delimiter, each common prefix once in sorted position. A
 * startAfter inside a rollup (or equal to it) skips that whole rollup.
 */
export function scanOracle(sortedAsc: readonly OracleRecord[], o: ScanOptions): ScanEntry[] {
  const prefix = o.prefix === undefined ? Buffer.alloc(0) : toBuf(o.prefix);
  const end = o.end === undefined ? null : toBuf(o.end);
  const delim = delimByte(o.delimiter);
  const rollupOf = (k: Buffer): Buffer | null => {
    if (delim < 0 || !startsWith(k, prefix)) return null;
    const at = k.indexOf(delim, prefix.length);
    return at < 0 ? null : k.subarray(0, at + 1);
  };
  let keys = sortedAsc.filter((r) => startsWith(r.key, prefix) && (end === null || Buffer.compare(r.key, end) < 0));
  if (o.startAfter !== undefined) {
    const after = toBuf(o.startAfter);
    const rolled = rollupOf(after);
    if (!o.reverse) {
      keys = rolled !== null
        ? keys.filter((r) => Buffer.compare(r.key, rolled) > 0 && !startsWith(r.key, rolled))
        : keys.filter((r) => Buffer.compare(r.key, after) > 0);
    } else {
      const bound = rolled ?? after;
      keys = keys.filter((r) => Buffer.compare(r.key, bound) < 0);
    }
  }
  if (o.reverse) keys = keys.slice().reverse();
  const out: ScanEntry[] = [];
  let last: Buffer | null = null;
  for (const r of keys) {
    const rolled = rollupOf(r.key);
    if (rolled !== null) {
      if (last !== null && last.equals(rolled)) continue;
      last = Buffer.from(rolled);
      out.push({ kind: 'prefix', key: last });
    } else {
      out.push(o.keysOnly ? { kind: 'key', key: r.key, version: r.version } : { kind: 'key', key: r.key, value: r.value, version: r.version });
    }
    if (o.limit !== undefined && out.length >= o.limit) break;
  }
  if (o.limit === 0) return [];
  return out;
}

/** Compact printable form of a listing, for readable diffs. */
export function show(entries: readonly ScanEntry[]): string[] {
  return entries.map((e) => `${e.kind === 'prefix' ? 'P' : 'K'}:${e.key.toString('hex')}${e.kind === 'key' ? `@${e.version}${e.value === undefined ? '' : `=${e.value.length}:${e.value.subarray(0, 4).toString('hex')}`}` : ''}`);
}

export function showRecord(r: HoltRecord | OracleRecord | undefined): string {
  return r === undefined ? 'none' : `${r.key.toString('hex')}@${r.version}=${r.value.length}:${r.value.subarray(0, 8).toString('hex')}`;
}

const SEGMENTS = ['a', 'b', 'img', 'logs', '2024', 'x.txt', 'part-0001', 'z'];
const LONG_HEAD = Buffer.from('L'.repeat(300));
const LONGER_HEAD = Buffer.from('M'.repeat(520));
const EDGE_BYTES = [0x00, 0x01, 0x2f, 0x41, 0x7f, 0x80, 0xfe, 0xff];

/** Keys shaped to stress the tree; `known` lets it derive prefixes and extensions of live keys. */
export function genKey(rng: Rng, known: readonly Buffer[]): Buffer {
  const kind = rng.int(10);
  if (kind <= 2) {
    const n = rng.range(1, 4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(rng.pick(SEGMENTS));
    return Buffer.from(parts.join('/') + (rng.chance(0.1) ? '/' : ''));
  }
  if (kind === 3) return Buffer.concat([LONG_HEAD, rng.bytes(rng.range(0, 3), [0x61, 0x62, 0x2f])]);
  if (kind === 4) return Buffer.concat([LONGER_HEAD, rng.bytes(rng.range(0, 2), [0x61, 0x2f, 0x00])]);
  if (kind === 5) return rng.bytes(rng.range(1, 5), EDGE_BYTES);
  if (kind === 6) return rng.bytes(rng.range(1, 24));
  if (known.length > 0) {
    const base = rng.pick(known);
    if (kind === 7 && base.length > 1) return Buffer.from(base.subarray(0, rng.range(1, base.length - 1)));
    if (kind === 8) return Buffer.concat([base, rng.bytes(rng.range(1, 3), EDGE_BYTES)]);
    return Buffer.from(base);
  }
  return Buffer.from(rng.pick(SEGMENTS));
}

/** `bigRate`: share of values between 20 KiB and the 128 KiB maximum (they force spills). */
export function genValue(rng: Rng, bigRate = 0.05): Buffer {
  const r = rng.next();
  if (r < bigRate * 0.8) return rng.bytes(rng.range(20 * 1024, 128 * 1024));
  if (r < bigRate) return Buffer.alloc(128 * 1024, rng.int(256));
  if (r < bigRate + 0.1) return Buffer.alloc(0);
  return rng.bytes(rng.range(1, 120));
}
