/**
 * Model-based test: random operation sequences against a Tree and a sorted-map
 * oracle, with key shapes that build Prefix chains, terminals, NUL/0xFF bytes
 * and values big enough to force spillover and merges. A failure names the
 * seed and the op index so that it can be replayed with SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';
import { genKey, genValue, Oracle, show, showRecord } from './oracle.js';
import { Rng } from '../support/rng.mjs';
import { expectCode } from '../support/thrown.js';

interface Run {
  tree: Tree;
  oracle: Oracle;
  lastVersion: number;
  /** Versions handed out earlier, to use as stale tokens. */
  history: number[];
  bigRate: number;
}

function checkVerify(run: Run, where: string): void {
  const r = run.tree.verify();
  if (!r.ok) throw new Error(`verify failed ${where}:\n${r.errors.join('\n')}`);
  expect(r.keys).toBe(run.oracle.size);
}

function newVersion(run: Run, v: number | undefined, where: string): number {
  if (v === undefined || !Number.isSafeInteger(v) || v <= run.lastVersion) {
    throw new Error(`${where}: version ${String(v)} not after ${run.lastVersion}`);
  }
  run.lastVersion = v;
  run.history.push(v);
  return v;
}

function pickVersion(rng: Rng, run: Run, current: number | undefined): number {
  const r = rng.next();
  if (current !== undefined && r < 0.5) return current;
  if (run.history.length > 0 && r < 0.85) return rng.pick(run.history);
  return rng.int(run.lastVersion + 3);
}


function step(rng: Rng, run: Run, i: number): void {
  const { tree: t, oracle: o } = run;
  const known = [...o.map.values()].map((r) => r.key);
  const k = genKey(rng, known);
  const where = `op ${i} key ${k.toString('hex').slice(0, 80)}`;
  const op = rng.int(100);
  if (op < 30) {
    const v = genValue(rng, run.bigRate);
    const ver = newVersion(run, t.put(k, v), `${where} put`);
    o.set(k, v, ver);
  } else if (op < 45) {
    expect(t.delete(k), `${where} delete`).toBe(o.delete(k));
  } else if (op < 52) {
    const got = t.get(k);
    const want = o.get(k);
    if (want === undefined ? got !== undefined : got === undefined || !got.equals(want.value)) {
      throw new Error(`${where} get: ${got?.length} vs ${showRecord(want)}`);
    }
  } else if (op < 57) {
    const got = t.getRecord(k);
    const want = o.get(k);
    expect(showRecord(got), `${where} getRecord`).toBe(showRecord(want));
    if (got !== undefined) expect(got.value.equals(want!.value)).toBe(true);
    expect(t.has(k)).toBe(want !== undefined);
  } else if (op < 62) {
    const v = genValue(rng, run.bigRate);
    const got = t.putIfAbsent(k, v);
    if (o.has(k)) expect(got, `${where} putIfAbsent`).toBeUndefined();
    else o.set(k, v, newVersion(run, got, `${where} putIfAbsent`));
  } else if (op < 68) {
    const cur = o.get(k);
    const ver = pickVersion(rng, run, cur?.version);
    const v = genValue(rng, run.bigRate);
    const got = t.compareAndPut(k, ver, v);
    if (cur !== undefined && cur.version === ver) o.set(k, v, newVersion(run, got, `${where} compareAndPut`));
    else expect(got, `${where} compareAndPut(${ver}) cur ${cur?.version}`).toBeUndefined();
  } else if (op < 73) {
    const cur = o.get(k);
    const ver = pickVersion(rng, run, cur?.version);
    const ok = cur !== undefined && cur.version === ver;
    expect(t.deleteIfVersion(k, ver), `${where} deleteIfVersion`).toBe(ok);
    if (ok) o.delete(k);
  } else if (op < 80) {
    const from = rng.chance(0.8) && known.length > 0 ? rng.pick(known) : k;
    const to = rng.chance(0.3) && known.length > 0 ? rng.pick(known) : genKey(rng, known);
    const overwrite = rng.chance(0.5);
    const src = o.get(from);
    const w = `${where} rename ${from.toString('hex').slice(0, 40)} -> ${to.toString('hex').slice(0, 40)} ow=${overwrite}`;
    if (src === undefined) {
      expectCode(() => t.rename(from, to, { overwrite }), 'NOT_FOUND', w);
    } else if (from.equals(to)) {
      expect(t.rename(from, to, { overwrite }), w).toBe(src.version);
    } else if (!overwrite && o.has(to)) {
      expectCode(() => t.rename(from, to, { overwrite }), 'ALREADY_EXISTS', w);
    } else {
      const ver = newVersion(run, t.rename(from, to, { overwrite }), w);
      o.delete(from);
      o.set(to, src.value, ver);
      expect(t.has(from), w).toBe(false);
      expect(showRecord(t.getRecord(to)), w).toBe(showRecord(o.get(to)));
    }
  } else if (op < 86) {
    const q = rng.chance(0.5) ? Buffer.concat([k, rng.bytes(rng.range(0, 6))]) : k;
    expect(showRecord(t.longestPrefix(q)), `${where} longestPrefix`).toBe(showRecord(o.longestPrefix(q)));
  } else if (op < 92) {
    const p = rng.chance(0.1) ? Buffer.alloc(0) : k.subarray(0, rng.range(0, k.length));
    expect(t.isPrefixEmpty(p), `${where} isPrefixEmpty(${p.toString('hex')})`).toBe(o.count(p) === 0);
  } else if (op < 98) {
    const p = rng.chance(0.1) ? Buffer.alloc(0) : k.subarray(0, rng.range(0, k.length));
    expect(t.count(p), `${where} count(${p.toString('hex')})`).toBe(o.count(p));
    if (rng.chance(0.1)) expect(t.count()).toBe(o.size);
  } else {
    const p = k.subarray(0, rng.range(0, Math.min(k.length, 3)));
    const opts = { prefix: p, delimiter: rng.chance(0.5) ? '/' : undefined, reverse: rng.chance(0.3) };
    const got = show(t.scan(opts).toArray());
    const want = show(o.scan(opts));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`${where} scan ${JSON.stringify({ ...opts, prefix: p.toString('hex') })}\n got ${got.join(' ')}\nwant ${want.join(' ')}`);
    }
  }
}

function runSeed(seed: number, ops: number, verifyEvery: number, bigRate = 0.05): { frames: number; maxFrames: number } {
  const rng = new Rng(seed);
  const db = DB.memory();
  const run: Run = { tree: db.tree('m'), oracle: new Oracle(), lastVersion: 0, history: [], bigRate };
  let maxFrames = 1;
  for (let i = 0; i < ops; i++) {
    try {
      step(rng, run, i);
      if (i % verifyEvery === verifyEvery - 1) checkVerify(run, `after op ${i}`);
    } catch (e) {
      (e as Error).message = `seed ${seed}: ${(e as Error).message}`;
      throw e;
    }
    maxFrames = Math.max(maxFrames, db.stats().frames);
  }
  checkVerify(run, `seed ${seed} at the end`);
  expect(show(run.tree.scan().toArray())).toEqual(show(run.oracle.scan({})));
  expect(run.tree.count()).toBe(run.oracle.size);
  // Emptying the tree gives back every frame.
  for (const r of run.oracle.sorted()) expect(run.tree.delete(r.key)).toBe(true);
  checkVerify({ ...run, oracle: new Oracle() }, `seed ${seed} after deleting everything`);
  const frames = db.stats().frames;
  return { frames, maxFrames };
}

const ONLY = process.env['SEED'];

describe('Tree against a sorted-map oracle', () => {
  const seeds = ONLY !== undefined ? [Number(ONLY)] : Array.from({ length: 40 }, (_, i) => 1000 + i);
  it.each(seeds)('seed %i', (seed) => {
    const { frames } = runSeed(seed, 2500, 100);
    expect(frames).toBe(1);
  });

  it.each(ONLY !== undefined ? [] : [77, 78])('long run with many spills (seed %i)', (seed) => {
    const { frames, maxFrames } = runSeed(seed, 15_000, 1000);
    expect(maxFrames).toBeGreaterThan(3);
    expect(frames).toBe(1);
  });

  it.each(ONLY !== undefined ? [] : [500, 501, 502, 503])('spill-heavy: a third of the values are 20-128 KiB (seed %i)', (seed) => {
    const { frames, maxFrames } = runSeed(seed, 2000, 50, 0.35);
    expect(maxFrames).toBeGreaterThan(10);
    expect(frames).toBe(1);
  });
});
