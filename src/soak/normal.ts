/**
 * Mode `normal`: a long randomized run on one tree of one database, checked
 * op by op against an in-memory oracle. Each cycle issues a slice of the
 * operation budget, then closes, reopens, compares every key and runs
 * verify(). Mix per operation: 50% put, 22% get, 10% delete, 10% key-only
 * delimiter scan, 5% isPrefixEmpty, 3% atomic batch (a quarter of them with a
 * guard that must fail and apply nothing); now and then a sync or a manual
 * checkpoint.
 */
import type { DB, Tree } from '../index.js';
import { DELIMITERS, bucketOf, keyFor, prefixOf, valueFor } from './keys.js';
import { TreeOracle } from './oracle.js';
import type { SoakOptions } from './options.js';
import { openDb, yieldToLoop } from './open-db.js';
import { Rng, deriveSeed } from './rng.js';
import { Tally, emit, engineFigures, openFigures, round1 } from './report.js';
import { checkGet, checkPrefixEmpty, checkScan, compareTree } from './tree-checks.js';

const TREE = 'soak';

/** State one normal-mode workload step needs. */
export interface Workload {
  rng: Rng;
  tally: Tally;
  keys: number;
  cycle: number;
  rev: number;
}

export async function runNormal(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  const deadline = Date.now() + o.durationSec * 1000;
  const oracle = new TreeOracle(TREE);
  const w: Workload = { rng: new Rng(o.seed), tally, keys: o.keys, cycle: 0, rev: 0 };
  const perCycle = Math.max(1000, Math.min(50_000, Math.ceil(o.ops / 10)));
  let db = openDb(dir, o);
  try {
    while (tally.ops < o.ops && Date.now() < deadline && tally.ok) {
      w.cycle++;
      w.rng = new Rng(deriveSeed(o.seed, w.cycle));
      const tree = db.tree(TREE);
      const budget = Math.min(perCycle, o.ops - tally.ops);
      let done = 0;
      while (done < budget && Date.now() < deadline && tally.ok) {
        await step(db, tree, oracle, w);
        done++;
        if ((done & 511) === 0) await yieldToLoop();
      }
      tally.ops += done;
      const figures = engineFigures(db);
      await db.close();
      const t0 = performance.now();
      db = openDb(dir, o);
      const reopenMs = performance.now() - t0;
      const keysVerified = compareTree(tally, db.openTree(TREE), oracle, w.cycle);
      tally.keysVerified += keysVerified;
      tally.cycles++;
      emit({
        mode: 'normal', cycle: w.cycle, ops: done, opsTotal: tally.ops, liveKeys: oracle.size, keysVerified,
        ...figures, reopenMs: round1(reopenMs), ...openFigures(db), ok: tally.ok,
      });
    }
  } finally {
    await db.close();
  }
}

async function step(db: DB, tree: Tree, oracle: TreeOracle, w: Workload): Promise<void> {
  const { rng, tally } = w;
  const r = rng.below(1000);
  const i = rng.below(w.keys);
  if (r < 500) {
    const rev = ++w.rev;
    oracle.put(i, rev, tree.put(keyFor(i), valueFor(TREE, i, rev)));
  } else if (r < 720) {
    checkGet(tally, tree, oracle, i, w.cycle);
  } else if (r < 820) {
    const existed = tree.delete(keyFor(i));
    if (existed !== (oracle.get(i) !== undefined)) {
      tally.mismatch(existed ? 'wrong' : 'lost', { tree: TREE, key: keyFor(i), expected: `delete() → ${!existed}`, found: `delete() → ${existed}`, cycle: w.cycle });
    }
    oracle.delete(i);
  } else if (r < 920) {
    const limit = rng.chance(0.8) ? 16 : rng.between(1, 200);
    checkScan(tally, tree, oracle, bucketOf(i), prefixOf(i, rng.between(1, 7)), rng.pick(DELIMITERS), limit, w.cycle);
  } else if (r < 970) {
    checkPrefixEmpty(tally, tree, oracle, bucketOf(i), prefixOf(i, rng.between(1, 8)), w.cycle);
  } else {
    atomicBatch(tree, oracle, w);
  }
  if (rng.chance(0.002)) await db.sync();
  if (rng.chance(0.0003)) await db.checkpoint();
}

/** 2–6 puts and deletes on one tree; a quarter of batches end with a guard that fails, so nothing may apply. */
function atomicBatch(tree: Tree, oracle: TreeOracle, w: Workload): void {
  const { rng } = w;
  const ops: { i: number; rev: number }[] = [];
  const n = rng.between(2, 6);
  for (let j = 0; j < n; j++) ops.push({ i: rng.below(w.keys), rev: rng.chance(0.8) ? ++w.rev : -1 });
  const failing = rng.chance(0.25);
  const guardKey = rng.below(w.keys);
  const res = tree.atomic((b) => {
    for (const op of ops) {
      if (op.rev >= 0) b.put(keyFor(op.i), valueFor(TREE, op.i, op.rev));
      else b.delete(keyFor(op.i));
    }
    // A version no write ever gets: a live key fails VERSION_MISMATCH, a missing one MISSING.
    if (failing) b.assertVersion(keyFor(guardKey), Number.MAX_SAFE_INTEGER);
  });
  if (res.ok !== !failing) {
    w.tally.mismatch('wrong', { tree: TREE, key: keyFor(guardKey), expected: `atomic ok=${!failing}`, found: `atomic ok=${res.ok}`, cycle: w.cycle });
    return;
  }
  if (!res.ok) {
    for (const op of ops) checkGet(w.tally, tree, oracle, op.i, w.cycle);
    return;
  }
  ops.forEach((op, j) => {
    if (op.rev >= 0) oracle.put(op.i, op.rev, res.versions[j]!);
    else oracle.delete(op.i);
  });
}
