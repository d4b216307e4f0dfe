/**
 * Long keys and long common prefixes, against the sorted-map oracle.
 *
 * Every read and write operation over keys from 1 byte to MAX_KEY_BYTES whose
 * heads share hundreds to thousands of bytes, with every byte value in the
 * heads, every delimiter kind (0x00, 0xFF, '/', a byte from inside the heads)
 * and values big enough that the shared prefixes cross frames. A listing once
 * returned zeros from byte 1,024 (or 2,048) of a long rollup because the scan's
 * path buffer was written past its end; these cases pin every length at which
 * a buffer grows. A failure names the seed (replay with LONG_SEED=<n>).
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';
import type { ScanEntry, ScanOptions } from '../../src/api/types.js';
import { MAX_KEY_BYTES } from '../../src/layout/leaf.js';
import { tempDir } from '../support/temp-dir.js';
import { Oracle, scanOracle, show, showRecord, startsWith } from './oracle.js';
import { Rng } from '../support/rng.mjs';

/** Head lengths around every power-of-two a buffer could stop growing at. */
const HEAD_LENGTHS = [1, 255, 256, 1023, 1024, 1025, 2047, 2048, 2049, 3000, 4095, 4097, 8191, 8193, MAX_KEY_BYTES - 64];

interface World {
  tree: Tree;
  oracle: Oracle;
  delimiter: number;
  heads: Buffer[];
}

/** Bytes of every value except `avoid` (when given), so a head can hold no delimiter. */
function headBytes(rng: Rng, n: number, avoid: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let v = i < 256 ? i : rng.int(256); // the first 256 bytes walk every byte value in order
    if (v === avoid) v = (v + 1) & 0xff;
    b[i] = v;
  }
  return b;
}

function clampKey(k: Buffer): Buffer {
  return k.length > MAX_KEY_BYTES ? k.subarray(0, MAX_KEY_BYTES) : k.length === 0 ? Buffer.from([1]) : k;
}

/** A key in the family of `head`: the head itself, a cut of it, or head + delimiter/no-delimiter tails. */
function familyKey(rng: Rng, w: World, head: Buffer): Buffer {
  const d = w.delimiter;
  const tail = (n: number): Buffer => rng.bytes(n);
  switch (rng.int(7)) {
    case 0: return clampKey(Buffer.from(head));
    case 1: return clampKey(Buffer.from(head.subarray(0, rng.range(1, head.length))));
    case 2: return clampKey(Buffer.concat([head, Buffer.from([d]), tail(rng.range(0, 20))]));
    case 3: return clampKey(Buffer.concat([head, Buffer.from([d]), tail(rng.range(0, 4)), Buffer.from([d]), tail(3)]));
    case 4: return clampKey(Buffer.concat([head, tail(rng.range(1, 30))]));
    case 5: {
      // The delimiter deep inside the head: rollups of every length, not only the head's.
      const at = rng.range(0, head.length - 1);
      return clampKey(Buffer.concat([head.subarray(0, at), Buffer.from([d]), tail(rng.range(0, 8))]));
    }
    default: return clampKey(Buffer.concat([head, tail(MAX_KEY_BYTES)])); // exactly MAX_KEY_BYTES
  }
}

function value(rng: Rng): Buffer {
  // A few big values make the long prefixes cross frame boundaries.
  return rng.chance(0.08) ? rng.bytes(rng.range(30 * 1024, 100 * 1024)) : rng.bytes(rng.range(0, 40));
}

function buildWorld(seed: number, delimiterKind: number, tree: Tree = DB.memory().tree('t')): World {
  const rng = new Rng(seed);
  const delimiter = [0x00, 0xff, 0x2f, -1][delimiterKind]! < 0 ? rng.int(256) : [0x00, 0xff, 0x2f][delimiterKind]!;
  // Heads avoid the delimiter except the last one, so both long rollups and early cuts happen.
  const lengths = [rng.pick(HEAD_LENGTHS), rng.pick(HEAD_LENGTHS), rng.pick(HEAD_LENGTHS), 2049, 1025];
  const root = headBytes(rng, Math.max(...lengths), delimiter);
  const heads = lengths.map((n, i) => {
    const h = Buffer.from(root.subarray(0, n));
    if (i === lengths.length - 1 && n > 2) h[rng.range(1, n - 1)] = delimiter;
    return h;
  });
  // Unrelated heads that share nothing, so that the long ones are not the whole tree.
  heads.push(Buffer.from([delimiter ^ 0x80]), Buffer.from('p/'));
  return { tree, oracle: new Oracle(), delimiter, heads };
}

function writeRandom(rng: Rng, w: World, ops: number): void {
  const { tree: t, oracle: o } = w;
  for (let i = 0; i < ops; i++) {
    const head = rng.pick(w.heads);
    const k = familyKey(rng, w, head);
    const op = rng.int(10);
    if (op < 6) {
      const v = value(rng);
      o.set(k, v, t.put(k, v));
    } else if (op < 7) {
      expect(t.delete(k)).toBe(o.delete(k));
    } else if (op < 8 && o.size > 0) {
      const from = rng.pick([...o.map.values()]).key;
      const to = familyKey(rng, w, rng.pick(w.heads));
      if (from.equals(to) || o.has(to)) continue;
      const rec = o.get(from)!;
      const ver = t.rename(from, to);
      o.delete(from);
      o.set(to, rec.value, ver);
    } else {
      // An atomic batch of puts and deletes over long keys.
      const puts: [Buffer, Buffer][] = [];
      const dels: Buffer[] = [];
      for (let j = rng.range(1, 4); j > 0; j--) {
        const bk = familyKey(rng, w, rng.pick(w.heads));
        if (rng.chance(0.7)) puts.push([bk, value(rng)]); else dels.push(bk);
      }
      const r = t.atomic((b) => {
        for (const [bk, bv] of puts) b.put(bk, bv);
        for (const bk of dels) b.delete(bk);
      });
      if (!r.ok) throw new Error(`batch failed: ${JSON.stringify(r.failure)}`);
      puts.forEach(([bk, bv], j) => o.set(bk, bv, r.versions[j]!));
      for (const bk of dels) o.delete(bk);
    }
  }
}

/** Keys and lengths only, so that a mismatch on a 16 KiB key prints a readable line. */
function digest(entries: readonly ScanEntry[]): string[] {
  return show(entries).map((s) => (s.length > 120 ? `${s.slice(0, 40)}…${s.slice(-60)}(${s.length})` : s));
}

function sameListing(got: readonly ScanEntry[], want: readonly ScanEntry[], where: string): void {
  const same = got.length === want.length && got.every((g, i) => {
    const e = want[i]!;
    if (g.kind !== e.kind || !g.key.equals(e.key)) return false;
    if (g.kind === 'key' && e.kind === 'key') {
      if (g.version !== e.version) return false;
      if ((g.value === undefined) !== (e.value === undefined)) return false;
      if (g.value !== undefined && !g.value.equals(e.value!)) return false;
    }
    return true;
  });
  if (!same) {
    const first = got.findIndex((g, i) => want[i] === undefined || !g.key.equals(want[i]!.key));
    throw new Error(`${where}: listings differ (first at ${first})\n got ${digest(got).join(' ')}\nwant ${digest(want).join(' ')}`);
  }
}

/** A bound near the data: a live key, a cut of one, a rollup, or a head with one byte bumped. */
function pickBound(rng: Rng, w: World, live: readonly Buffer[]): Buffer {
  const k = live.length > 0 && rng.chance(0.7) ? rng.pick(live) : rng.pick(w.heads);
  const r = rng.int(4);
  if (r === 0) return Buffer.from(k);
  if (r === 1) return Buffer.from(k.subarray(0, rng.range(1, k.length)));
  if (r === 2) {
    const at = k.indexOf(w.delimiter);
    return Buffer.from(at >= 0 ? k.subarray(0, at + 1) : k);
  }
  const c = Buffer.from(k.subarray(0, rng.range(1, k.length)));
  c[c.length - 1] = (c[c.length - 1]! + 1) & 0xff;
  return c;
}

function randomScanOptions(rng: Rng, w: World, live: readonly Buffer[]): ScanOptions {
  const o: ScanOptions = {};
  if (rng.chance(0.75)) {
    const k = live.length > 0 ? rng.pick(live) : rng.pick(w.heads);
    o.prefix = k.subarray(0, rng.range(0, k.length));
  }
  if (rng.chance(0.7)) o.delimiter = rng.chance(0.8) ? w.delimiter : rng.int(256);
  if (rng.chance(0.3)) o.startAfter = pickBound(rng, w, live);
  if (rng.chance(0.25)) o.end = pickBound(rng, w, live);
  if (rng.chance(0.5)) o.reverse = true;
  if (rng.chance(0.3)) o.keysOnly = true;
  if (rng.chance(0.3)) o.limit = rng.range(1, 6);
  return o;
}

function checkScans(rng: Rng, w: World, n: number, where: string): void {
  const sorted = w.oracle.sorted();
  const live = sorted.map((r) => r.key);
  for (let i = 0; i < n; i++) {
    const opts = randomScanOptions(rng, w, live);
    sameListing(w.tree.scan(opts).toArray(), scanOracle(sorted, opts), `${where} scan #${i}`);
    if (opts.limit === undefined && !opts.reverse) checkPaging(w, sorted, opts, rng.range(1, 4), `${where} paging #${i}`);
  }
}

/** Paging by `limit` with the last returned key (or rollup) as `startAfter` gives the whole listing. */
function checkPaging(w: World, sorted: ReturnType<Oracle['sorted']>, base: ScanOptions, page: number, where: string): void {
  const want = scanOracle(sorted, base);
  const got: ScanEntry[] = [];
  let after = base.startAfter;
  for (let guard = 0; guard <= want.length + 1; guard++) {
    const part = w.tree.scan({ ...base, startAfter: after, limit: page }).toArray();
    got.push(...part);
    if (part.length < page) break;
    after = part[part.length - 1]!.key;
  }
  sameListing(got, want, where);
}

function checkPoints(rng: Rng, w: World, where: string): void {
  const { tree: t, oracle: o } = w;
  const sorted = o.sorted();
  for (const r of sorted) {
    const got = t.getRecord(r.key);
    if (showRecord(got) !== showRecord(r) || !got!.value.equals(r.value) || !got!.key.equals(r.key)) {
      throw new Error(`${where}: getRecord ${r.key.length}-byte key: ${showRecord(got)} vs ${showRecord(r)}`);
    }
  }
  for (let i = 0; i < 30; i++) {
    const probe = clampKey(Buffer.concat([pickBound(rng, w, sorted.map((r) => r.key)), rng.chance(0.5) ? rng.bytes(rng.range(1, 5)) : Buffer.alloc(0)]));
    expect(t.get(probe)?.toString('hex'), `${where} get probe`).toBe(o.get(probe)?.value.toString('hex'));
    const lp = t.longestPrefix(probe);
    const want = o.longestPrefix(probe);
    if (showRecord(lp) !== showRecord(want) || (lp !== undefined && !lp.key.equals(want!.key))) {
      throw new Error(`${where}: longestPrefix of a ${probe.length}-byte query: ${showRecord(lp)} vs ${showRecord(want)}`);
    }
    const p = probe.subarray(0, rng.range(0, probe.length));
    expect(t.count(p), `${where} count of ${p.length}-byte prefix`).toBe(o.count(p));
    expect(t.isPrefixEmpty(p), `${where} isPrefixEmpty of ${p.length}-byte prefix`).toBe(o.count(p) === 0);
  }
}

/** Writes outside the listed prefix between next() calls force re-seeks; the listing must not change. */
function checkReseek(rng: Rng, w: World, where: string): void {
  const live = w.oracle.sorted().map((r) => r.key);
  for (let i = 0; i < 6; i++) {
    const opts = randomScanOptions(rng, w, live);
    if (opts.prefix === undefined || opts.prefix.length === 0) opts.prefix = rng.pick(w.heads).subarray(0, 1);
    const prefix = Buffer.from(opts.prefix as Uint8Array);
    const want = scanOracle(w.oracle.sorted(), opts);
    const it = w.tree.scan(opts);
    const got: ScanEntry[] = [];
    for (let r = it.next(); !r.done; r = it.next()) {
      got.push(r.value);
      // A key that is never under the prefix: its first byte differs.
      const outside = Buffer.concat([Buffer.from([(prefix[0]! + 1 + rng.int(200)) & 0xff]), rng.bytes(rng.range(0, 3000))]);
      if (startsWith(outside, prefix)) continue;
      const v = value(rng);
      w.oracle.set(outside, v, w.tree.put(outside, v));
    }
    sameListing(got, want, `${where} re-seek #${i}`);
  }
}

const SEEDS = process.env.LONG_SEED !== undefined
  ? [Number(process.env.LONG_SEED)]
  : Array.from({ length: 16 }, (_, i) => i + 1);

describe('long keys and long common prefixes', () => {
  it('the reported listing: a 3,003-byte rollup is exact', () => {
    const t = DB.memory().tree('x');
    const base = 'p/' + 'a'.repeat(3000);
    t.put(base + '/x', '1');
    t.put('p/b', '2');
    const got = t.scan({ prefix: 'p/', delimiter: '/' }).toArray();
    expect(got.map((e) => e.kind)).toEqual(['prefix', 'key']);
    expect(got[0]!.key.toString()).toBe(base + '/');
    expect(got[1]!.key.toString()).toBe('p/b');
  });

  it('rollups and keys of every length around buffer sizes, NUL and 0xFF delimiters, with limit and reverse', () => {
    for (const delimiter of [0x00, 0xff, 0x2f]) {
      for (const n of HEAD_LENGTHS) {
        const t = DB.memory().tree('x');
        const head = headBytes(new Rng(n), n, delimiter);
        const rollup = Buffer.concat([head, Buffer.from([delimiter])]);
        const keys = [Buffer.concat([rollup, Buffer.from('x')]), Buffer.concat([rollup, Buffer.from('y')]), Buffer.from([head[0]! ^ 0x40])];
        for (const k of keys) t.put(clampKey(k), k.subarray(0, 5));
        const expectRollup = rollup.length <= MAX_KEY_BYTES - 1;
        for (const reverse of [false, true]) {
          const got = t.scan({ delimiter, reverse, limit: 5 }).toArray();
          const prefixes = got.filter((e) => e.kind === 'prefix').map((e) => e.key);
          if (expectRollup) {
            expect(prefixes.length, `n=${n} d=${delimiter}`).toBe(1);
            expect(prefixes[0]!.equals(rollup), `n=${n} d=${delimiter} reverse=${reverse}: rollup bytes`).toBe(true);
          }
          // With the head as prefix too (a seek through the long prefix first).
          const under = t.scan({ prefix: head, delimiter, reverse }).toArray();
          if (expectRollup) expect(under.length === 1 && under[0]!.key.equals(rollup), `n=${n} under prefix`).toBe(true);
        }
      }
    }
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: every operation matches the oracle`, () => {
      const w = buildWorld(seed, seed % 4);
      const rng = new Rng(seed * 7919);
      let maxFrames = 1;
      for (let round = 0; round < 4; round++) {
        writeRandom(rng, w, 40);
        const where = `seed ${seed} round ${round} delimiter 0x${w.delimiter.toString(16)}`;
        checkPoints(rng, w, where);
        checkScans(rng, w, 40, where);
        checkReseek(rng, w, where);
        const v = w.tree.verify();
        if (!v.ok) throw new Error(`${where}: verify: ${v.errors.join('; ')}`);
        expect(v.keys).toBe(w.oracle.size);
        maxFrames = Math.max(maxFrames, w.tree.stats().shape.frames);
      }
      // The point of the big values: the long shared prefixes cross frame boundaries.
      expect(maxFrames, `seed ${seed} frames`).toBeGreaterThan(1);
    });
  }

  it('a file DB: the same listings from the WAL replay, and from checkpointed frames after reopen', async () => {
    const { dir, cleanup } = tempDir('long-keys');
    try {
      let db = DB.open(dir, { cacheMB: 8 });
      const w = buildWorld(99, 0, db.tree('t'));
      const rng = new Rng(99);
      writeRandom(rng, w, 80);
      await db.close();
      for (const checkpoint of [false, true]) {
        db = DB.open(dir, { cacheMB: 8 });
        w.tree = db.tree('t');
        checkPoints(rng, w, `reopen checkpoint=${checkpoint}`);
        checkScans(rng, w, 30, `reopen checkpoint=${checkpoint}`);
        if (checkpoint) await db.checkpoint();
        await db.close();
      }
    } finally {
      cleanup();
    }
  });
});
