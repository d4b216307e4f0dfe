/**
 * Mode `db-normal`: the normal workload on a multi-tree database (objects,
 * inodes, locks, sessions, plus a scratch tree that is created, filled and
 * dropped over and over), each tree checked against its own oracle. Mix:
 * 45% single-tree atomic put, 17% get, 10% atomic delete, 12% key-only
 * delimiter scan, 7% isPrefixEmpty, 6% cross-tree db.atomic (the same key in
 * two trees; some with a failing guard), 2% plain put, 1% scratch-tree
 * create/drop. Every cycle ends with close, reopen, listTrees() against the
 * model, and a full comparison plus verify() of every tree.
 */
import { isHoltError, type DB } from '../index.js';
import { DELIMITERS, bucketOf, keyFor, prefixOf, valueFor } from './keys.js';
import { TreeOracle } from './oracle.js';
import type { SoakOptions } from './options.js';
import { openDb, yieldToLoop } from './open-db.js';
import { Rng, deriveSeed } from './rng.js';
import { Tally, emit, engineFigures, openFigures, round1 } from './report.js';
import { checkGet, checkPrefixEmpty, checkScan, compareTree } from './tree-checks.js';

export const DB_TREES = ['objects', 'inodes', 'locks', 'sessions'] as const;
const SCRATCH = 'scratch';

interface DbWorkload {
  rng: Rng;
  tally: Tally;
  keys: number;
  cycle: number;
  rev: number;
  oracles: Map<string, TreeOracle>;
}

export async function runDbNormal(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  const deadline = Date.now() + o.durationSec * 1000;
  const w: DbWorkload = { rng: new Rng(o.seed), tally, keys: o.keys, cycle: 0, rev: 0, oracles: new Map() };
  for (const name of DB_TREES) w.oracles.set(name, new TreeOracle(name));
  const perCycle = Math.max(1000, Math.min(50_000, Math.ceil(o.ops / 10)));
  let db = openDb(dir, o);
  for (const name of DB_TREES) db.tree(name);
  try {
    while (tally.ops < o.ops && Date.now() < deadline && tally.ok) {
      w.cycle++;
      w.rng = new Rng(deriveSeed(o.seed, w.cycle));
      const budget = Math.min(perCycle, o.ops - tally.ops);
      let done = 0;
      while (done < budget && Date.now() < deadline && tally.ok) {
        await step(db, w);
        done++;
        if ((done & 511) === 0) await yieldToLoop();
      }
      tally.ops += done;
      const figures = engineFigures(db);
      await db.close();
      const t0 = performance.now();
      db = openDb(dir, o);
      const reopenMs = performance.now() - t0;
      let keysVerified = 0;
      const listed = db.listTrees().map((t) => t.name).join(',');
      const modelled = [...w.oracles.keys()].sort().join(',');
      if (listed !== modelled) tally.mismatch('wrong', { tree: '(catalog)', key: 'listTrees()', expected: modelled, found: listed, cycle: w.cycle });
      for (const [name, oracle] of w.oracles) {
        if (db.listTrees().some((t) => t.name === name)) keysVerified += compareTree(tally, db.openTree(name), oracle, w.cycle);
      }
      tally.keysVerified += keysVerified;
      tally.cycles++;
      const liveKeys: Record<string, number> = {};
      for (const [name, oracle] of w.oracles) liveKeys[name] = oracle.size;
      emit({
        mode: 'db-normal', cycle: w.cycle, ops: done, opsTotal: tally.ops, liveKeys, keysVerified,
        ...figures, reopenMs: round1(reopenMs), ...openFigures(db), ok: tally.ok,
      });
    }
  } finally {
    await db.close();
  }
}

async function step(db: DB, w: DbWorkload): Promise<void> {
  const { rng, tally } = w;
  const names = [...w.oracles.keys()];
  const name = rng.pick(names);
  const oracle = w.oracles.get(name)!;
  const tree = db.openTree(name);
  const r = rng.below(1000);
  const i = rng.below(w.keys);
  if (r < 450) {
    const rev = ++w.rev;
    const res = tree.atomic((b) => { b.put(keyFor(i), valueFor(name, i, rev)); });
    if (res.ok) oracle.put(i, rev, res.versions[0]!);
    else tally.mismatch('wrong', { tree: name, key: keyFor(i), expected: 'atomic put ok', found: res.failure.reason, cycle: w.cycle });
  } else if (r < 620) {
    checkGet(tally, tree, oracle, i, w.cycle);
  } else if (r < 720) {
    const res = tree.atomic((b) => { b.delete(keyFor(i)); });
    if (res.ok) oracle.delete(i);
    else tally.mismatch('wrong', { tree: name, key: keyFor(i), expected: 'atomic delete ok', found: res.failure.reason, cycle: w.cycle });
  } else if (r < 840) {
    checkScan(tally, tree, oracle, bucketOf(i), prefixOf(i, rng.between(1, 7)), rng.pick(DELIMITERS), rng.chance(0.8) ? 16 : rng.between(1, 200), w.cycle);
  } else if (r < 910) {
    checkPrefixEmpty(tally, tree, oracle, bucketOf(i), prefixOf(i, rng.between(1, 8)), w.cycle);
  } else if (r < 970) {
    crossTree(db, w, i);
  } else if (r < 990) {
    const rev = ++w.rev;
    oracle.put(i, rev, tree.put(keyFor(i), valueFor(name, i, rev)));
  } else {
    await scratchLifecycle(db, w);
  }
  if (rng.chance(0.002)) await db.sync();
  if (rng.chance(0.0003)) await db.checkpoint();
}

/** The same key written into two distinct trees in one db.atomic; a fifth of them carry a guard that must fail. */
function crossTree(db: DB, w: DbWorkload, i: number): void {
  const names = [...w.oracles.keys()];
  const a = w.rng.pick(names);
  let b = w.rng.pick(names);
  while (b === a) b = w.rng.pick(names);
  const rev = ++w.rev;
  const failing = w.rng.chance(0.2);
  const res = db.atomic((batch) => {
    batch.tree(a).put(keyFor(i), valueFor(a, i, rev));
    batch.tree(b).put(keyFor(i), valueFor(b, i, rev));
    if (failing) batch.tree(b).assertVersion(keyFor(i), Number.MAX_SAFE_INTEGER);
  });
  if (res.ok !== !failing) {
    w.tally.mismatch('wrong', { tree: `${a}+${b}`, key: keyFor(i), expected: `atomic ok=${!failing}`, found: `atomic ok=${res.ok}`, cycle: w.cycle });
    return;
  }
  if (!res.ok) {
    for (const t of [a, b]) checkGet(w.tally, db.openTree(t), w.oracles.get(t)!, i, w.cycle);
    return;
  }
  w.oracles.get(a)!.put(i, rev, res.versions[0]!);
  w.oracles.get(b)!.put(i, rev, res.versions[1]!);
}

/** Create the scratch tree, or compare and drop it; a dropped name must be gone and a recreated one empty. */
async function scratchLifecycle(db: DB, w: DbWorkload): Promise<void> {
  const oracle = w.oracles.get(SCRATCH);
  if (oracle === undefined) {
    const t = db.createTree(SCRATCH);
    if (t.count() !== 0) w.tally.mismatch('wrong', { tree: SCRATCH, key: '(count after create)', expected: '0', found: String(t.count()), cycle: w.cycle });
    w.oracles.set(SCRATCH, new TreeOracle(SCRATCH));
    return;
  }
  w.tally.keysVerified += compareTree(w.tally, db.openTree(SCRATCH), oracle, w.cycle);
  db.dropTree(SCRATCH);
  w.oracles.delete(SCRATCH);
  try {
    db.openTree(SCRATCH);
    w.tally.mismatch('wrong', { tree: SCRATCH, key: '(openTree after drop)', expected: 'TREE_NOT_FOUND', found: 'opened', cycle: w.cycle });
  } catch (e) {
    if (!isHoltError(e, 'TREE_NOT_FOUND')) throw e;
  }
  if (w.rng.chance(0.5)) await db.checkpoint();
}
