/**
 * The forms a listing can take, against the default scan (which scan.test.ts
 * checks against the oracle): `copy: false` views, `keyEncoding` /
 * `valueEncoding: 'utf8'` strings, the `scanEach` visitor with its reused
 * entry, and `get(key, { valueEncoding: 'utf8' })`. Each must list exactly
 * what `scan()` lists, and keep doing so while the tree changes under it.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';
import type { ScanEntry, ScanOptions } from '../../src/api/types.js';
import { Rng } from '../support/rng.mjs';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Entries as text, read at the moment they are handed out (views and reused entries change later). */
function text(e: ScanEntry<Buffer | string, Buffer | string>): string {
  const hex = (v: Buffer | string): string => (typeof v === 'string' ? `s:${v}` : v.toString('hex'));
  return e.kind === 'prefix' ? `P:${hex(e.key)}` : `K:${hex(e.key)}@${e.version}${e.value === undefined ? '' : `=${hex(e.value)}`}`;
}

/** The default scan with keys and values decoded as `decode` says. */
function decoded(t: Tree, opts: ScanOptions, keys: boolean, values: boolean): string[] {
  return t.scan(opts).toArray().map((e) => text(e.kind === 'prefix'
    ? { kind: 'prefix', key: keys ? e.key.toString('utf8') : e.key }
    : { kind: 'key', key: keys ? e.key.toString('utf8') : e.key, value: e.value === undefined ? undefined : values ? e.value.toString('utf8') : e.value, version: e.version }));
}

function tree(): Tree {
  const t = DB.memory().tree('forms');
  const rng = new Rng(17);
  const keys = ['a', 'a/', 'a/b', 'a/b/c', 'a/bb', 'ab/c', 'b/x/y', 'img/1.png', 'img/sub/a', 'img/sub2/z', 'z\u00ff/a', '\u00ff\u00ff/x',
    '\u0000/a', 'q\u0000x', 'caf\u00e9/cr\u00e8me', `${'P'.repeat(300)}/tail`];
  for (const k of keys) t.put(b(k), b(`v:${k}`));
  // Enough keys, some with large values, to span several frames.
  for (let i = 0; i < 600; i++) {
    const k = `${rng.pick(['logs/2024', 'logs/2025', 'img', 'x'])}/${rng.pick(['f', 'g', '\u00e9t\u00e9'])}${rng.int(200)}${rng.chance(0.2) ? '/' : ''}`;
    t.put(Buffer.from(k, 'utf8'), i % 7 === 0 ? Buffer.alloc(30_000 + rng.int(10_000), i & 0xff) : Buffer.from(`{"n":${i},"s":"\u00fc"}`, 'utf8'));
  }
  return t;
}

const OPTION_MIXES: ScanOptions[] = [];
for (const prefix of [undefined, 'a', 'a/', 'img/', 'logs/', 'q', 'nope']) for (const delimiter of [undefined, '/']) {
  for (const reverse of [false, true]) for (const keysOnly of [false, true]) {
    for (const extra of [{}, { limit: 3 }, { startAfter: 'img/sub' }, { end: 'logs/2025/g' }]) {
      const o: ScanOptions = { reverse, keysOnly, ...extra };
      if (prefix !== undefined) o.prefix = prefix;
      if (delimiter !== undefined) o.delimiter = delimiter;
      OPTION_MIXES.push(o);
    }
  }
}

describe('listing forms', () => {
  const t = tree();

  it('copy: false lists the same bytes as copies, as Buffers read before the next step', () => {
    for (const opts of OPTION_MIXES) {
      const want = t.scan(opts).toArray().map(text);
      const got: string[] = [];
      for (const e of t.scan({ ...opts, copy: false })) {
        expect(Buffer.isBuffer(e.key)).toBe(true);
        got.push(text(e));
      }
      expect(got, JSON.stringify(opts)).toEqual(want);
    }
  });

  it('utf8 encodings decode the stored bytes, keys, values and rollups alike', () => {
    for (const opts of OPTION_MIXES) {
      for (const [keys, values] of [[true, false], [false, true], [true, true]] as const) {
        const enc = { keyEncoding: keys ? 'utf8' as const : 'buffer' as const, valueEncoding: values ? 'utf8' as const : 'buffer' as const };
        const got = t.scan({ ...opts, ...enc }).toArray().map(text);
        expect(got, JSON.stringify({ ...opts, ...enc })).toEqual(decoded(t, opts, keys, values));
        const viaEach: string[] = [];
        t.scanEach({ ...opts, ...enc, copy: false }, (e) => { viaEach.push(text(e)); });
        expect(viaEach).toEqual(got);
      }
    }
  });

  it('scanEach visits what scan returns, with and without copies', () => {
    for (const opts of OPTION_MIXES) {
      const want = t.scan(opts).toArray().map(text);
      for (const copy of [true, false]) {
        const got: string[] = [];
        const n = t.scanEach({ ...opts, copy }, (e) => { got.push(text(e)); });
        expect(got, JSON.stringify({ ...opts, copy })).toEqual(want);
        expect(n).toBe(want.length);
      }
    }
  });

  it('scanEach reuses one entry object per kind; the copies it hands out are the caller\'s', () => {
    const entries = new Set<object>();
    const kept: { key: Buffer; value: Buffer | undefined }[] = [];
    t.scanEach({ prefix: 'img', delimiter: '/' }, (e) => {
      entries.add(e);
      if (e.kind === 'key') kept.push({ key: e.key, value: e.value });
    });
    expect(entries.size).toBeLessThanOrEqual(2);
    t.scanEach({ prefix: 'img' }, (e) => { if (e.kind === 'key') kept.push({ key: e.key, value: e.value }); });
    for (const k of kept) t.put(k.key, 'overwritten');
    for (const k of kept) expect(k.value!.toString()).not.toBe('overwritten');
  });

  it('a visitor returning false stops the scan; one that throws ends it', () => {
    const seen: string[] = [];
    expect(t.scanEach({ prefix: 'a' }, (e) => { seen.push(e.key.toString('latin1')); return seen.length < 2 ? undefined : false; })).toBe(2);
    expect(seen).toEqual(['a', 'a/']);
    expect(() => t.scanEach({}, () => { throw new Error('stop'); })).toThrow('stop');
    // Later scans are unaffected by the abandoned one.
    expect(t.scan({ prefix: 'a', limit: 2 }).toArray().map((e) => e.key.toString('latin1'))).toEqual(['a', 'a/']);
  });

  it('get with valueEncoding utf8 decodes the stored value', () => {
    expect(t.get('a/b', { valueEncoding: 'utf8' })).toBe('v:a/b');
    expect(t.get('a/b', { valueEncoding: 'buffer' })!.equals(b('v:a/b'))).toBe(true);
    expect(t.get('missing', { valueEncoding: 'utf8' })).toBeUndefined();
    const k = Buffer.from('caf\u00e9/cr\u00e8me', 'latin1');
    expect(t.get(k, { valueEncoding: 'utf8' })).toBe(t.get(k)!.toString('utf8'));
  });
});

describe('listing forms while the tree changes', () => {
  it('views, strings and scanEach resume after the last entry, whatever the caller did to what it got', () => {
    for (const mode of ['copy', 'view', 'utf8', 'each'] as const) {
      const t = DB.memory().tree('w');
      const rng = new Rng(5);
      const stable = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const k = `k/${String(i).padStart(5, '0')}`;
        t.put(k, `value-${i}`.repeat(1 + (i % 5)));
        if (i % 3 !== 0) stable.add(k);
      }
      const seen: string[] = [];
      const step = (key: Buffer | string): void => {
        const s = typeof key === 'string' ? key : key.toString('latin1');
        seen.push(s);
        // Scribble over a copy we were given: the scan must not resume from it. (Views are Holt's memory: never written.)
        if (mode === 'copy' && typeof key !== 'string') key.fill(0x7a);
        // Churn: overwrite, delete and add keys that are not stable, ahead and behind.
        for (let j = 0; j < 5; j++) {
          const i = rng.int(2000);
          if (i % 3 === 0) {
            const k = `k/${String(i).padStart(5, '0')}`;
            if (rng.chance(0.5)) t.delete(k);
            else t.put(k, 'x'.repeat(rng.int(300)));
          } else t.put(`k/${String(i).padStart(5, '0')}`, `new-${rng.int(1e6)}`);
        }
      };
      if (mode === 'each') t.scanEach({ prefix: 'k/', copy: false }, (e) => step(e.key));
      else {
        const opts = mode === 'view' ? { prefix: 'k/', copy: false } : mode === 'utf8' ? { prefix: 'k/', keyEncoding: 'utf8' as const } : { prefix: 'k/' };
        for (const e of t.scan(opts)) step(e.key);
      }
      for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!, `${mode}: ${seen[i - 1]} then ${seen[i]}`).toBe(true);
      const got = new Set(seen);
      for (const k of stable) expect(got.has(k), `${mode}: ${k} skipped`).toBe(true);
    }
  });
});
