/**
 * Scan against a brute-force S3 listing oracle (oracle.ts scanOracle): every
 * option combination, pagination, and writes between next() calls.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';
import type { ScanEntry, ScanOptions } from '../../src/api/types.js';
import { Oracle, show, startsWith } from './oracle.js';
import { Rng } from '../support/rng.mjs';
import { thrown } from '../support/thrown.js';

function fill(t: Tree, o: Oracle, keys: readonly Buffer[], value: (k: Buffer, i: number) => Buffer = (k) => k): void {
  keys.forEach((k, i) => {
    const v = value(k, i);
    o.set(k, v, t.put(k, v));
  });
}

function describeOpts(o: ScanOptions): string {
  const h = (v: unknown): unknown => (v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v);
  return JSON.stringify(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, h(v)])));
}

function check(t: Tree, o: Oracle, opts: ScanOptions): ScanEntry[] {
  const got = show(t.scan(opts).toArray());
  const want = show(o.scan(opts));
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`scan ${describeOpts(opts)}\n got ${got.join(' ')}\nwant ${want.join(' ')}`);
  }
  return o.scan(opts);
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Keys that exercise every rollup edge case: prefixes of each other, delimiters last, NUL/0xFF, long heads. */
function edgeKeys(): Buffer[] {
  const long = 'P'.repeat(260);
  const out = [
    'a', 'a/', 'a/b', 'a/b/', 'a/b/c', 'a/b/c/d', 'a/bb', 'a/c', 'a//', 'a//x', 'ab', 'ab/c', 'b', 'b/x/y', 'img/1.png',
    'img/2.png', 'img/sub/a', 'img/sub/b', 'img/sub2/z', 'img0', 'z/', 'z/\u00ff', 'z\u00ff/a', '\u00ff', '\u00ff\u00ff/x', '\u00ff\u00ff\u00ff',
    '\u0000', '\u0000/a', 'q\u0000', 'q\u0000\u0000', 'q\u0000x\u0000y', 'qa\u0000', 'x.a', 'x.a.b', 'x.b', 'xa.',
    `${long}`, `${long}/a`, `${long}/b/c`, `${long}b/c`, `${long}${'Q'.repeat(300)}/end`,
  ].map(b);
  return out;
}

describe('scan regressions', () => {
  it('reverse listing with a delimiter stays inside the prefix', () => {
    // Going down from the prefix's successor, the walk used to roll up the
    // delimiter edges of subtrees below the prefix ("img/" for prefix "j").
    const t = DB.memory().tree('s');
    t.put('img/a', '1');
    t.put('img/b', '2');
    t.put('a/x', '3');
    expect(t.scan({ prefix: 'j', delimiter: '/', reverse: true }).toArray()).toEqual([]);
    expect(t.scan({ prefix: 'im', delimiter: '/', reverse: true }).toArray().map((e) => e.key.toString())).toEqual(['img/']);
    expect(t.scan({ prefix: 'b', delimiter: '/', reverse: true }).toArray()).toEqual([]);
  });

  it('an end inside a rollup lists the rollup only if one of its keys is before the end', () => {
    // Forward used to list "a/" for end "a/m" although its only key "a/x" is past the end;
    // reverse used to enter the rollup and list "a/" once per key plus deeper rollups.
    const t = DB.memory().tree('s');
    for (const k of ['a/x', 'a/y/1', 'a/y/2', 'b/f', 'b/g/h', 'c']) t.put(k, k);
    const list = (o: ScanOptions): string[] => t.scan(o).toArray().map((e) => `${e.kind[0]}:${e.key.toString()}`);
    expect(list({ delimiter: '/', end: 'a/m' })).toEqual([]);
    expect(list({ delimiter: '/', end: 'a/m', reverse: true })).toEqual([]);
    expect(list({ delimiter: '/', end: 'b/g' })).toEqual(['p:a/', 'p:b/']);
    expect(list({ delimiter: '/', end: 'b/g', reverse: true })).toEqual(['p:b/', 'p:a/']);
    expect(list({ delimiter: '/', end: 'a/y/2', reverse: true, limit: 1 })).toEqual(['p:a/']);
    expect(list({ delimiter: '/', end: 'b/z', reverse: true, startAfter: 'b/a' })).toEqual(['p:a/']);
    expect(list({ delimiter: '/', end: 'c', reverse: true })).toEqual(['p:b/', 'p:a/']);
  });
});

describe('scan option combinations', () => {
  const db = DB.memory();
  const t = db.tree('s');
  const o = new Oracle();
  fill(t, o, edgeKeys());

  const keys = edgeKeys();
  const prefixes = [undefined, b(''), b('a'), b('a/'), b('a/b'), b('img/'), b('img/sub'), b('q'), b('q\u0000'), b('\u00ff'), b('z'), b('nope'),
    b('P'.repeat(100)), b('P'.repeat(260)), b(`${'P'.repeat(260)}/`)];
  const delimiters: (string | number | undefined)[] = [undefined, '/', 0x00, 0xff, '.', 'a'];
  const bounds = [undefined, ...keys.filter((_, i) => i % 3 === 0), b('a/'), b('img/sub/'), b('img/sub'), b('a/b/c/'), b('\u0000'), b('zzz'), b('a0'),
    b('q\u0000x'), b('\u00ff\u00ff')];

  it('matches the oracle for every prefix x delimiter x reverse x keysOnly x limit', () => {
    let n = 0;
    for (const prefix of prefixes) for (const delimiter of delimiters) for (const reverse of [false, true]) {
      for (const keysOnly of [false, true]) for (const limit of [undefined, 0, 1, 2, 5]) {
        const opts: ScanOptions = { reverse, keysOnly };
        if (prefix !== undefined) opts.prefix = prefix;
        if (delimiter !== undefined) opts.delimiter = delimiter;
        if (limit !== undefined) opts.limit = limit;
        check(t, o, opts);
        n++;
      }
    }
    expect(n).toBe(prefixes.length * delimiters.length * 2 * 2 * 5);
  });

  it('matches the oracle with startAfter and end, including rollups as markers', () => {
    const rng = new Rng(7);
    for (const prefix of prefixes) for (const delimiter of delimiters) for (const reverse of [false, true]) {
      for (const startAfter of bounds) {
        const opts: ScanOptions = { reverse };
        if (prefix !== undefined) opts.prefix = prefix;
        if (delimiter !== undefined) opts.delimiter = delimiter;
        if (startAfter !== undefined) opts.startAfter = startAfter;
        check(t, o, opts);
        // Emitted rollups are valid markers too.
        if (rng.chance(0.2)) {
          for (const e of o.scan(opts)) if (e.kind === 'prefix') check(t, o, { ...opts, startAfter: e.key });
        }
      }
    }
  });

  it('end is exclusive in both directions', () => {
    for (const prefix of prefixes) for (const delimiter of delimiters) for (const reverse of [false, true]) {
      for (const end of bounds) for (const startAfter of [undefined, b('a/b'), b('img/')]) {
        const opts: ScanOptions = { reverse };
        if (prefix !== undefined) opts.prefix = prefix;
        if (delimiter !== undefined) opts.delimiter = delimiter;
        if (end !== undefined) opts.end = end;
        if (startAfter !== undefined) opts.startAfter = startAfter;
        check(t, o, opts);
      }
    }
  });

  it('paging with limit and the last returned key as startAfter equals the full listing', () => {
    for (const prefix of prefixes) for (const delimiter of delimiters) for (const reverse of [false, true]) {
      for (const page of [1, 2, 3, 7]) {
        const base: ScanOptions = { reverse, keysOnly: true };
        if (prefix !== undefined) base.prefix = prefix;
        if (delimiter !== undefined) base.delimiter = delimiter;
        const full = show(t.scan(base).toArray());
        const paged: string[] = [];
        let after: Buffer | undefined;
        for (let guard = 0; guard < 1000; guard++) {
          const opts: ScanOptions = { ...base, limit: page };
          if (after !== undefined) opts.startAfter = after;
          const got = t.scan(opts).toArray();
          paged.push(...show(got));
          if (got.length < page) break;
          after = got[got.length - 1]!.key;
        }
        if (JSON.stringify(paged) !== JSON.stringify(full)) {
          throw new Error(`paging by ${page} ${describeOpts(base)}\n got ${paged.join(' ')}\nwant ${full.join(' ')}`);
        }
      }
    }
  });

  it('keysOnly omits values; values and versions are the stored ones', () => {
    for (const e of t.scan({ keysOnly: true })) expect(e.kind === 'key' && e.value === undefined).toBe(true);
    for (const e of t.scan()) {
      if (e.kind !== 'key') throw new Error('no delimiter, no rollups');
      const r = o.get(e.key)!;
      expect(e.value!.equals(r.value)).toBe(true);
      expect(e.version).toBe(r.version);
    }
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    for (const bad of [{ delimiter: '//' }, { delimiter: 256 }, { delimiter: -1 }, { delimiter: 1.5 }, { limit: -1 }, { limit: 1.5 },
      { prefix: 5 as unknown as string }, { startAfter: {} as unknown as string }, { end: null as unknown as string }]) {
      expect(() => t.scan(bad as ScanOptions).toArray(), JSON.stringify(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('empty results', () => {
    const e = DB.memory().tree('e');
    expect(e.scan().toArray()).toEqual([]);
    expect(e.scan({ reverse: true, delimiter: '/' }).toArray()).toEqual([]);
    expect(t.scan({ prefix: 'nothing-here' }).toArray()).toEqual([]);
    expect(t.scan({ startAfter: b('\u00ff\u00ff\u00ff\u00ff') }).toArray()).toEqual([]);
    expect(t.scan({ prefix: 'a', startAfter: 'b' }).toArray()).toEqual([]);
    expect(t.scan({ prefix: 'b', startAfter: 'a', reverse: true }).toArray()).toEqual([]);
    expect(t.scan({ end: b('\u0000') }).toArray()).toEqual([]);
  });
});

describe('scan across many frames', () => {
  // Values of 20-40 KiB spread a few hundred keys over dozens of frames, so the
  // walk crosses Crossings at every level of the listing.
  const rng = new Rng(99);
  const db = DB.memory();
  const t = db.tree('big');
  const o = new Oracle();
  const keys: Buffer[] = [];
  for (let i = 0; i < 500; i++) {
    const dir = rng.pick(['a', 'b', 'img', 'img/sub', 'logs/2024', 'logs/2025', 'z\u00ff', 'q\u0000']);
    keys.push(b(`${dir}/${rng.pick(['x', 'y', 'file', 'f'])}${rng.int(60)}${rng.chance(0.2) ? '/' : ''}`));
  }
  fill(t, o, keys, (k, i) => (i % 4 === 0 ? Buffer.alloc(20_000 + rng.int(20_000), i & 0xff) : k));

  it('spans many frames and matches the oracle for random option mixes', () => {
    expect(db.stats().frames).toBeGreaterThan(5);
    expect(t.verify().ok).toBe(true);
    const sample = o.sorted().map((r) => r.key);
    for (let i = 0; i < 600; i++) {
      const opts: ScanOptions = { reverse: rng.chance(0.5), keysOnly: rng.chance(0.5) };
      if (rng.chance(0.7)) { const k = rng.pick(sample); opts.prefix = k.subarray(0, rng.int(k.length + 1)); }
      if (rng.chance(0.6)) opts.delimiter = rng.pick(['/', 0, 0xff, 'l']);
      if (rng.chance(0.5)) { const k = rng.pick(sample); opts.startAfter = rng.chance(0.3) ? k.subarray(0, rng.int(k.length + 1)) : k; }
      if (rng.chance(0.3)) opts.end = rng.pick(sample);
      if (rng.chance(0.3)) opts.limit = rng.int(20);
      check(t, o, opts);
    }
  });
});

describe('scan while the tree changes', () => {
  function mutatingRun(seed: number, bigValues: boolean): void {
    const rng = new Rng(seed);
    const db = DB.memory();
    const t = db.tree('m');
    const o = new Oracle();
    const keyAt = (i: number): Buffer => b(`d${i % 7}/k${String(i).padStart(5, '0')}`);
    for (let i = 0; i < 1500; i += 2) { const k = keyAt(i); o.set(k, k, t.put(k, k)); }
    for (const reverse of [false, true]) for (const delimiter of [undefined, '/']) {
      const opts: ScanOptions = { reverse, keysOnly: true };
      if (delimiter !== undefined) opts.delimiter = delimiter;
      const before = new Set(o.scan(opts).map((e) => e.key.toString('latin1')));
      const alwaysThere = new Set(before);
      const seen: Buffer[] = [];
      const it = t.scan(opts);
      for (let r = it.next(); !r.done; r = it.next()) {
        seen.push(r.value.key);
        // Writes between next() calls: new keys, deletes, overwrites, big values that spill frames.
        for (let w = 0; w < 3; w++) {
          const i = rng.int(3000);
          const k = keyAt(i);
          if (rng.chance(0.4)) {
            const v = bigValues && rng.chance(0.3) ? Buffer.alloc(30_000 + rng.int(90_000), 1) : k;
            o.set(k, v, t.put(k, v));
          } else if (o.has(k)) {
            t.delete(k);
            o.delete(k);
            alwaysThere.delete(k.toString('latin1'));
            if (delimiter !== undefined) alwaysThere.delete(`d${i % 7}/`);
          }
        }
      }
      const where = `seed ${seed} reverse=${reverse} delimiter=${String(delimiter)}`;
      const names = seen.map((k) => k.toString('latin1'));
      expect(new Set(names).size, `${where}: an entry came twice`).toBe(names.length);
      for (let i = 1; i < seen.length; i++) {
        const c = Buffer.compare(seen[i - 1]!, seen[i]!);
        if (reverse ? c <= 0 : c >= 0) throw new Error(`${where}: out of order at ${i}: ${names[i - 1]} then ${names[i]}`);
      }
      // With rollups, a directory that existed throughout is still listed even if some keys went.
      for (const k of alwaysThere) {
        const dirStillThere = delimiter === undefined || [...o.map.values()].some((r) => startsWith(r.key, b(k)));
        if (dirStillThere && !names.includes(k)) throw new Error(`${where}: skipped ${k}`);
      }
      const v = t.verify();
      if (!v.ok) throw new Error(v.errors.join('\n'));
    }
    // Settle and compare the final state.
    expect(show(t.scan().toArray())).toEqual(show(o.scan({})));
  }

  it('forward and reverse, with and without rollups, small values', () => mutatingRun(1, false));
  it('with big values that spill frames mid-scan', () => mutatingRun(2, true));

  it('deleting everything mid-scan ends the scan cleanly', () => {
    const t = DB.memory().tree('x');
    for (let i = 0; i < 200; i++) t.put(`k${String(i).padStart(3, '0')}`, Buffer.alloc(5000));
    const it = t.scan();
    const first = it.next();
    expect(first.done).toBe(false);
    for (let i = 0; i < 200; i++) t.delete(`k${String(i).padStart(3, '0')}`);
    expect(it.next().done).toBe(true);
    expect(t.verify().frames).toBe(1);
  });

  it('a key inserted just behind the cursor is not returned; one ahead is', () => {
    const t = DB.memory().tree('x');
    for (const k of ['b', 'd', 'f']) t.put(k, k);
    const it = t.scan();
    expect(it.next().value?.key.toString()).toBe('b');
    t.put('a', 'a');
    t.put('c', 'c');
    expect(it.toArray().map((e) => e.key.toString())).toEqual(['c', 'd', 'f']);
  });
});

describe('scan failures', () => {
  it('a step that throws part way fails the iterator: later steps throw the same error', () => {
    const t = DB.memory().tree('x');
    // Big values spread the keys over several frames, so stepping crosses into child frames.
    for (let i = 0; i < 60; i++) t.put(`k${String(i).padStart(3, '0')}`, Buffer.alloc(30_000, i));
    const pager = t.state.core.pager;
    const it = t.scan({ keysOnly: true });
    expect(it.next().done).toBe(false);
    const failure = new Error('frame unreadable');
    const frameForScan = pager.frameForScan.bind(pager);
    let seen = 0;
    pager.frameForScan = (id: number) => { if (++seen > 0) throw failure; return frameForScan(id); };
    expect(thrown(() => { for (let i = 0; i < 100; i++) it.next(); })).toBe(failure);
    pager.frameForScan = frameForScan;
    expect(() => it.next()).toThrow(failure);
    expect(() => it.next()).toThrow(failure);
    // A new scan reads everything.
    expect(t.scan({ keysOnly: true }).toArray().length).toBe(60);
  });
});
