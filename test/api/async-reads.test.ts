/**
 * getAsync / getManyAsync on a file DB twenty times larger than its cache:
 * every answer is the state at the call (an oracle kept beside the DB, and a
 * snapshot's synchronous get taken at the same instant), while writes,
 * deletes, renames, drops and checkpoints run between the call and its
 * answer; a snapshot tree's async reads; keys in memory answered without
 * I/O; CLOSED; bad input rejected before any I/O.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type ScanEntry, type Tree } from '../../src/index.js';
import { loadIo } from '../../src/io/index.js';
import { faultyIo, type Faults } from '../support/fault-io.js';
import { openWithIo } from '../durability/helpers.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const KEYS = 130_000;
const keyOf = (i: number): string => `tenant-${String(i % 37).padStart(2, '0')}/obj/${String(Math.imul(i, 2654435761) >>> 0).padStart(10, '0')}`;
const valueOf = (i: number, gen = 0): string => `{"i":${i},"g":${gen},"pad":"${'p'.repeat(330 + (i % 80))}"}`;

const t = tempDir('async-reads');
afterAll(() => t.cleanup());

/** The cache of the model test: 4 MiB (8 frames), against a data set over 20 times that. */
const CACHE_MB = 4;

/** A scan entry as one string: kind, key and value in hex. */
function entryText(e: ScanEntry): string {
  return `${e.kind}:${e.key.toString('hex')}:${e.kind === 'key' ? e.value?.toString('hex') ?? '-' : ''}`;
}

function sleepTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('async reads', () => {
  beforeAll(async () => {
    const db = DB.open(t.dir, { cacheMB: 256 });
    const tree = db.tree('objects');
    for (let i = 0; i < KEYS; i++) tree.put(keyOf(i), valueOf(i));
    db.tree('small').put('a', '1');
    await db.close();
  }, 180_000);

  it('the data set is over 20 times the cache', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    const s = db.stats();
    await db.close();
    expect(s.frames).toBeGreaterThan(20 * s.durable!.cache.budgetFrames);
  });

  it('model: each answer is the state at its call, with writes, deletes, renames, drops and checkpoints in flight', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    let tree = db.openTree('objects');
    // The oracle: what the tree holds now, key -> value (strings).
    let oracle = new Map<string, string>();
    for (let i = 0; i < KEYS; i++) oracle.set(keyOf(i), valueOf(i));
    const r = new Rng(27);
    const pick = (): string => (r.int(10) === 0 ? `absent/${r.int(1000)}` : keyOf(r.int(KEYS + 2000)));
    const checks: Promise<void>[] = [];
    let calls = 0;
    let coldCalls = 0;
    let drops = 0;

    /** Start an async batch now; check it when it settles against the oracle and a snapshot of this instant. */
    const startBatch = (on: Tree, keys: string[], single: boolean): void => {
      const expected = keys.map((k) => oracle.get(k));
      const snap = db.snapshot();
      const syncAnswers = keys.map((k) => snap.tree(on.name).get(k, { valueEncoding: 'utf8' }));
      const pending = single
        ? Promise.all(keys.map((k) => on.getAsync(k, { valueEncoding: 'utf8' })))
        : on.getManyAsync(keys, { valueEncoding: 'utf8' });
      calls++;
      checks.push(pending.then((got) => {
        expect(got).toEqual(expected);
        expect(got).toEqual(syncAnswers);
        snap.close();
      }));
    };

    for (let step = 0; step < 400; step++) {
      const op = r.int(100);
      if (op < 30) {
        const keys = Array.from({ length: 1 + r.int(60) }, pick);
        const before = db.stats().durable!.cache.coldReads.pageReads;
        startBatch(tree, keys, r.int(3) === 0);
        if (db.stats().durable!.cache.coldReads.pageReads === before) coldCalls++;
      } else if (op < 55) {
        const i = r.int(KEYS + 2000);
        const v = valueOf(i, step);
        tree.put(keyOf(i), v);
        oracle.set(keyOf(i), v);
      } else if (op < 68) {
        const k = keyOf(r.int(KEYS));
        expect(tree.delete(k)).toBe(oracle.delete(k));
      } else if (op < 76) {
        const from = keyOf(r.int(KEYS));
        const to = `renamed/${step}`;
        if (oracle.has(from)) {
          tree.rename(from, to);
          oracle.set(to, oracle.get(from)!);
          oracle.delete(from);
        }
      } else if (op < 84) {
        // A checkpoint runs while the batches above are in flight; sometimes two back to back (slot reuse).
        void db.checkpoint();
        if (r.int(2) === 0) await db.checkpoint();
      } else if (op < 86 && drops < 3) {
        // Drop the tree while reads are in flight, then put the same name back with a subset.
        drops++;
        const old = tree;
        db.dropTree('objects');
        await expect(old.getAsync(keyOf(1))).rejects.toMatchObject({ code: 'TREE_DROPPED' });
        tree = db.tree('objects');
        const next = new Map<string, string>();
        let n = 0;
        // In key order: in random order over 20 times the cache nearly every put would dirty
        // another frame, and the writer would spill for each (docs/DESIGN.md, "Spills").
        for (const [k, v] of [...oracle].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          if (n++ % 3 !== 0) continue;
          tree.put(k, v);
          next.set(k, v);
        }
        oracle = next;
        void db.checkpoint();
      } else {
        await sleepTurn();
      }
    }
    await Promise.all(checks);
    expect(calls).toBeGreaterThan(80);
    // Most batches read the disk (the cache is small); the rest were answered from memory.
    expect(coldCalls).toBeGreaterThan(0);
    expect(db.stats().snapshots.open).toBe(0);
    await db.checkpoint();
    expect(tree.verify().ok).toBe(true);
    await db.close();
  }, 240_000);

  it('a snapshot tree reads its own instant asynchronously', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    const tree = db.openTree('objects');
    const keys = [...tree.scan({ keysOnly: true, limit: 3000 })].map((e) => e.key.toString());
    const snap = db.snapshot();
    const st = snap.tree('objects');
    const expected = keys.map((k) => st.get(k, { valueEncoding: 'utf8' }));
    for (const k of keys) tree.put(k, 'changed');
    await db.checkpoint();
    const got = await st.getManyAsync(keys, { valueEncoding: 'utf8' });
    expect(got).toEqual(expected);
    expect(await tree.getAsync(keys[0]!, { valueEncoding: 'utf8' })).toBe('changed');
    snap.close();
    await expect(st.getAsync(keys[0]!)).rejects.toMatchObject({ code: 'CLOSED' });
    await db.close();
  }, 60_000);

  it('keys in memory are answered in the call: no reads', async () => {
    const db = DB.open(t.dir, { cacheMB: 256, checkpoint: false });
    const tree = db.openTree('objects');
    const keys = Array.from({ length: 200 }, (_, n) => keyOf(n * 7));
    // A full scan brings every frame in (the cache holds them all).
    for (const e of tree.scan({ keysOnly: true })) void e;
    const sync = keys.map((k) => tree.get(k));
    const before = db.stats().durable!.cache.coldReads.pageReads;
    const missesBefore = db.stats().durable!.cache.point.misses;
    const got = tree.getManyAsync(keys);
    const one = tree.getAsync(keys[3]!);
    const after = db.stats();
    await db.close();
    expect(await got).toEqual(sync);
    expect(await one).toEqual(sync[3]);
    // Answered in the call: no read, no snapshot.
    expect(after.durable!.cache.coldReads.pageReads).toBe(before);
    expect(after.durable!.cache.point.misses).toBe(missesBefore);
    expect(after.snapshots.open).toBe(0);
  }, 60_000);

  it('reads in flight when the DB closes reject CLOSED; later calls too', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    const tree = db.openTree('objects');
    const inFlight = tree.getManyAsync(Array.from({ length: 300 }, (_, n) => keyOf(n * 11)));
    const closing = db.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'CLOSED' });
    await closing;
    await expect(tree.getAsync(keyOf(1))).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(tree.getManyAsync([keyOf(1)])).rejects.toMatchObject({ code: 'CLOSED' });
  }, 60_000);

  it('bad input rejects INVALID_ARGUMENT (KEY_TOO_LARGE) before any I/O', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    const tree = db.openTree('objects');
    const before = db.stats().durable!.cache.coldReads.pageReads;
    const bad: unknown[] = [
      () => tree.getAsync(42 as never),
      () => tree.getAsync(null as never),
      () => tree.getAsync('k', { valueEncoding: 'hex' } as never),
      () => tree.getAsync('k', 'utf8' as never),
      () => tree.getManyAsync('k' as never),
      () => tree.getManyAsync([keyOf(1), 7 as never]),
      () => tree.getManyAsync([keyOf(1)], { nope: true } as never),
    ];
    for (const call of bad) {
      const p = (call as () => Promise<unknown>)();
      expect(p).toBeInstanceOf(Promise);
      await expect(p).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(tree.getManyAsync([keyOf(2), 'x'.repeat(70_000)])).rejects.toMatchObject({ code: 'KEY_TOO_LARGE' });
    expect(db.stats().durable!.cache.coldReads.pageReads).toBe(before);
    expect(await tree.getManyAsync([])).toEqual([]);
    await db.close();
  }, 60_000);

  it('an I/O error under a batch rejects the calls that needed the read (IO_ERROR), and the DB stays usable', async () => {
    const faults: Faults = { match: (p) => p.endsWith('data.holt'), calls: ['submit', 'pread', 'preadMany', 'preadAsync', 'preadManyAsync'], injected: 0 };
    const db = openWithIo(t.dir, faultyIo(loadIo(), faults), { cacheMB: CACHE_MB, checkpoint: false });
    try {
      const tree = db.openTree('objects');
      // The model test above dropped the tree three times, keeping a third each time: about 1 key in 27 is left.
      const keys = Array.from({ length: 3000 }, (_, n) => keyOf(n * 13));
      faults.errno = 'EIO';
      const failed = tree.getManyAsync(keys);
      const single = tree.getAsync(keyOf(77));
      await expect(failed).rejects.toMatchObject({ code: 'IO_ERROR' });
      await expect(single).rejects.toMatchObject({ code: 'IO_ERROR' });
      expect(faults.injected).toBeGreaterThan(0);
      expect(db.stats().snapshots.open).toBe(0);
      // The fault clears: the same calls answer, and writes and checkpoints go on.
      faults.errno = undefined;
      const got = await tree.getManyAsync(keys, { valueEncoding: 'utf8' });
      expect(got).toEqual(keys.map((k) => tree.get(k, { valueEncoding: 'utf8' })));
      expect(got.filter((v) => v !== undefined).length).toBeGreaterThan(20);
      tree.put('after-fault', 'ok');
      await db.checkpoint();
      expect(await tree.getAsync('after-fault', { valueEncoding: 'utf8' })).toBe('ok');
    } finally {
      await db.close();
    }
  }, 60_000);

  it('scanAsync: the entries of scan at the call, read ahead, while writes go on', async () => {
    const db = DB.open(t.dir, { cacheMB: CACHE_MB, checkpoint: false });
    try {
      const tree = db.openTree('objects');
      const cases = [{}, { prefix: 'tenant-07/' }, { prefix: 'tenant-1', delimiter: '/' }, { startAfter: 'tenant-2', limit: 700 }, { reverse: true, limit: 300 }, { keysOnly: true, prefix: 'tenant-3' }];
      for (const options of cases) {
        const snap = db.snapshot();
        const misses = db.stats().durable!.cache.scan.misses;
        const got = [];
        let n = 0;
        for await (const e of tree.scanAsync(options)) {
          got.push(e);
          // Writes while the scan runs are not seen by it. (Each one makes the scan seek again, and on
          // a cache of 8 frames that means reading its path again: a write per 97 entries took minutes.)
          if (n++ % 1500 === 0) { tree.put(`tenant-07/zz-new-${n}`, 'x'); tree.delete(e.key); }
        }
        // The snapshot taken with the scan reads the same instant, whenever it is read.
        const want = snap.tree('objects').scan(options).toArray();
        // Compared as text: a deep equality of 130,000 Buffer pairs takes the test runner minutes.
        expect(got.map(entryText)).toEqual(want.map(entryText));
        snap.close();
        // The first scan after the open read its frames through the batched reads.
        if (options === cases[0]) expect(db.stats().durable!.cache.scan.misses).toBeGreaterThan(misses);
        await db.checkpoint();
      }
      // break lets the snapshot go; copy: false is refused.
      for await (const e of tree.scanAsync({ prefix: 'tenant-0' })) { void e; break; }
      expect(db.stats().snapshots.open).toBe(0);
      expect(() => tree.scanAsync({ copy: false })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      // A scan in flight when the DB closes rejects CLOSED.
      const it = tree.scanAsync();
      expect((await it.next()).done).toBe(false);
      const closing = db.close();
      await expect((async () => { for (;;) if ((await it.next()).done) return; })()).rejects.toMatchObject({ code: 'CLOSED' });
      await closing;
    } finally {
      await db.close();
    }
  }, 120_000);
});
