import { afterAll, describe, expect, it } from 'vitest';
import { DB, type AtomicBatch, type Tree } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';
import { tempDir, type TempDir } from '../support/temp-dir.js';
import { expectCode } from '../support/thrown.js';

/**
 * Model-based test of the multi-tree DB: random sequences of tree create/drop,
 * writes, cross-tree atomic batches with guards, checkpoints and close/reopen,
 * checked step by step against an oracle of catalog + per-tree sorted maps.
 */

type Rec = { value: string; version: number };
type Model = Map<string, Map<string, Rec>>; // live tree name -> key -> record

const NAMES = ['objects', 'inodes', 'uploads'];
const KEYS = ['a', 'a/1', 'a/2', 'b/x', 'b/y', 'c', 'c/d/e'];

const dirs: TempDir[] = [];
afterAll(() => { for (const d of dirs) d.cleanup(); });

function compare(db: DB, model: Model): void {
  expect(db.listTrees().map((t) => t.name)).toEqual([...model.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  for (const [name, data] of model) {
    const t = db.openTree(name);
    const got = t.scan().toArray().map((e) => [e.key.toString(), e.kind === 'key' ? e.value!.toString() : '', e.kind === 'key' ? e.version : 0]);
    const want = [...data.entries()].sort((x, y) => Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0]))).map(([k, r]) => [k, r.value, r.version]);
    expect(got).toEqual(want);
    const report = t.verify();
    if (!report.ok) throw new Error(report.errors.join('\n'));
  }
}

/** The oracle's view of one atomic batch: same guard rules, against its own projection. */
function modelBatch(model: Model, ops: { tree: string; kind: string; key: string; to?: string; value?: string; version?: number | null }[]):
  { ok: true; apply: (versions: (number | undefined)[]) => void } | { ok: false; index: number } {
  const proj = new Map<string, Map<string, Rec | null>>();
  const read = (t: string, k: string): Rec | undefined => {
    const p = proj.get(t)?.get(k);
    if (p !== undefined) return p ?? undefined;
    return model.get(t)!.get(k);
  };
  const write = (t: string, k: string, r: Rec | null): void => {
    if (!proj.has(t)) proj.set(t, new Map());
    proj.get(t)!.set(k, r);
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const cur = read(op.tree, op.key);
    switch (op.kind) {
      case 'put': write(op.tree, op.key, { value: op.value!, version: -1 }); break;
      case 'delete': write(op.tree, op.key, null); break;
      case 'putIfAbsent': if (cur !== undefined) return { ok: false, index: i }; write(op.tree, op.key, { value: op.value!, version: -1 }); break;
      case 'compareAndPut': if (cur === undefined || cur.version !== op.version) return { ok: false, index: i }; write(op.tree, op.key, { value: op.value!, version: -1 }); break;
      case 'deleteIfVersion': if (cur === undefined || cur.version !== op.version) return { ok: false, index: i }; write(op.tree, op.key, null); break;
      case 'assertVersion':
        if (op.version === null ? cur !== undefined : cur === undefined || cur.version !== op.version) return { ok: false, index: i };
        break;
      case 'assertPrefixEmpty': {
        const live = new Set([...model.get(op.tree)!.keys()]);
        for (const [k, r] of proj.get(op.tree) ?? []) { if (r === null) live.delete(k); else live.add(k); }
        if ([...live].some((k) => k.startsWith(op.key))) return { ok: false, index: i };
        break;
      }
    }
  }
  return {
    ok: true,
    apply: (versions) => {
      ops.forEach((op, i) => {
        const data = model.get(op.tree)!;
        if (op.kind === 'put' || op.kind === 'putIfAbsent' || op.kind === 'compareAndPut') data.set(op.key, { value: op.value!, version: versions[i]! });
        else if (op.kind === 'delete' || op.kind === 'deleteIfVersion') data.delete(op.key);
      });
    },
  };
}

describe('multi-tree DB against a model', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: create/drop/write/atomic/checkpoint/reopen`, async () => {
      await runWithReopen(seed, 600);
    });
  }
});

/** Like runSequence, but a close step really closes and reopens the directory. */
async function runWithReopen(seed: number, steps: number): Promise<void> {
  const r = new Rng(seed * 7919);
  const t = tempDir('db-model');
  dirs.push(t);
  const dir = t.dir;
  let db = DB.open(dir, { checkpoint: false });
  const model: Model = new Map();
  let lastVersion = 0;
  let stale: Tree[] = [];
  const bump = (v: number): void => { expect(v).toBeGreaterThan(lastVersion); lastVersion = v; };
  let reopens = 0;
  const batches = { ok: 0, failed: 0 };

  for (let step = 0; step < steps; step++) {
    const live = [...model.keys()];
    const roll = r.next();
    if (roll < 0.08) {
      const name = r.pick(NAMES);
      if (model.has(name)) expectCode(() => db.createTree(name), 'TREE_EXISTS');
      else { db.createTree(name); model.set(name, new Map()); }
    } else if (roll < 0.12) {
      const name = r.pick(NAMES);
      if (!model.has(name)) expectCode(() => db.dropTree(name), 'TREE_NOT_FOUND');
      else {
        stale.push(db.openTree(name));
        db.dropTree(name);
        model.delete(name);
        expectCode(() => db.openTree(name), 'TREE_NOT_FOUND');
      }
    } else if (roll < 0.16) {
      await db.checkpoint();
    } else if (roll < 0.19) {
      await db.close();
      expectCode(() => db.listTrees(), 'CLOSED');
      db = DB.open(dir, { checkpoint: false });
      stale = [];
      reopens++;
      compare(db, model);
    } else if (live.length === 0) {
      continue;
    } else if (roll < 0.6) {
      const name = r.pick(live);
      const t = db.openTree(name);
      const key = r.pick(KEYS);
      if (r.next() < 0.7) {
        const value = `${seed}:${step}`;
        const v = t.put(key, value);
        bump(v);
        model.get(name)!.set(key, { value, version: v });
      } else {
        expect(t.delete(key)).toBe(model.get(name)!.has(key));
        model.get(name)!.delete(key);
      }
    } else {
      const n = 1 + r.int(4);
      const ops: { tree: string; kind: string; key: string; value?: string; version?: number | null }[] = [];
      for (let i = 0; i < n; i++) {
        const tree = r.pick(live);
        const key = r.pick(KEYS);
        const cur = model.get(tree)!.get(key);
        const kind = r.pick(['put', 'delete', 'putIfAbsent', 'compareAndPut', 'deleteIfVersion', 'assertVersion', 'assertPrefixEmpty']);
        const version = kind === 'assertVersion' && r.next() < 0.3 ? null : cur !== undefined && r.next() < 0.7 ? cur.version : 1 + r.int(5);
        ops.push({ tree, kind, key: kind === 'assertPrefixEmpty' ? key.slice(0, 2) : key, value: `${seed}:${step}:${i}`, version });
      }
      const expected = modelBatch(model, ops);
      const got = db.atomic((b: AtomicBatch) => {
        for (const op of ops) {
          const t = b.tree(op.tree);
          switch (op.kind) {
            case 'put': t.put(op.key, op.value!); break;
            case 'delete': t.delete(op.key); break;
            case 'putIfAbsent': t.putIfAbsent(op.key, op.value!); break;
            case 'compareAndPut': t.compareAndPut(op.key, op.version!, op.value!); break;
            case 'deleteIfVersion': t.deleteIfVersion(op.key, op.version!); break;
            case 'assertVersion': t.assertVersion(op.key, op.version!); break;
            case 'assertPrefixEmpty': t.assertPrefixEmpty(op.key); break;
          }
        }
      });
      expect(got.ok).toBe(expected.ok);
      batches[got.ok ? 'ok' : 'failed']++;
      if (got.ok && expected.ok) {
        for (const v of got.versions) if (v !== undefined) bump(v);
        expected.apply(got.versions);
      } else if (!got.ok && !expected.ok) {
        expect(got.failure.index).toBe(expected.index);
      }
    }
    for (const t of stale) expectCode(() => t.get('a'), 'TREE_DROPPED');
    if (step % 50 === 0) compare(db, model);
  }
  compare(db, model);
  // The sequence really exercised both outcomes and restarts.
  expect(reopens).toBeGreaterThan(0);
  expect(batches.ok).toBeGreaterThan(0);
  expect(batches.failed).toBeGreaterThan(0);
  await db.close();
}
