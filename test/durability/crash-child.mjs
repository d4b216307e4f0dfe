// Child process of crash-kill.test.ts: writes to a DB and reports to its parent.
//
//   node crash-child.mjs DIST_INDEX_URL DIR SEED DURABILITY [CACHE_MB [prefill]]
//
// With CACHE_MB the DB runs with that (small) cache and each step also reads
// random keys of the tree `big` (prefilled by the `prefill` mode, larger than
// the cache) and checks their values: eviction, cold page reads and checkpoints
// under memory pressure all run under SIGKILL too.
//
// Protocol on stdout, one line each, written with a blocking writeSync so that a
// line is in the parent's pipe before the next statement runs (not with
// process.stdout.write: once the pipe is full, as when the parent is slow to
// read on a loaded machine, that queues the line in this process and returns,
// and the SIGKILL then loses it while the op it announces is already durable):
//   R                 the DB is open (replay done)
//   I <json op>       about to apply this op (printed before applying it)
//   A <n>             every op announced so far (n of them) is durable
//   C <reads> <evictions>   (with CACHE_MB) frame reads from disk, whole or by pages, and evictions so far
// The parent SIGKILLs this process at a random moment, then checks that every
// acknowledged op survived and that nothing unannounced appeared.
import { writeSync } from 'node:fs';
import { Rng } from '../support/rng.mjs';

const [distUrl, dir, seedArg, durability, cacheArg, mode] = process.argv.slice(2);
const { DB } = await import(distUrl);
const cacheMB = cacheArg === undefined ? undefined : Number(cacheArg);

/** The `big` tree: keys and values that check themselves. */
const BIG_KEYS = 3000;
const bigKey = (i) => `big/${String(i % 37).padStart(2, '0')}/obj-${String(i).padStart(6, '0')}`;
const bigValue = (i) => `${i}:${'b'.repeat(2000 + ((i * 7919) % 2000))}:${i}`;

if (mode === 'prefill') {
  const db = DB.open(dir, { durability });
  const big = db.tree('big');
  for (let i = 0; i < BIG_KEYS; i++) big.put(bigKey(i), bigValue(i));
  await db.close();
  process.exit(0);
}

const rng = new Rng(Number(seedArg));
/** A 1 ms sleep while the pipe is full (fd 1 may be non-blocking: EAGAIN). */
const pause = new Int32Array(new SharedArrayBuffer(4));
const out = (s) => {
  const b = Buffer.from(s + '\n');
  for (let off = 0; off < b.length; ) {
    try {
      off += writeSync(1, b, off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};

const db = DB.open(dir, { durability, cacheMB, checkpoint: { walBytes: 256 * 1024, intervalMs: 40 } });
const bigTree = cacheMB === undefined ? null : db.openTree('big');
const trees = { t: db.tree('t'), u: db.tree('u') };
out('R');
let announced = 0;
const key = () => `k/${rng.int(3000).toString().padStart(4, '0')}`;
const val = () => `${seedArg}:${announced}:${'v'.repeat(rng.int(300))}`;

function readBig() {
  for (let j = 0; j < 3; j++) {
    const i = rng.int(BIG_KEYS);
    const v = bigTree.get(bigKey(i))?.toString();
    if (v !== bigValue(i)) throw new Error(`big key ${i}: wrong value (${v === undefined ? 'missing' : v.length + ' bytes'})`);
  }
}

function step() {
  if (bigTree !== null) readBig();
  const tn = rng.next() < 0.7 ? 't' : 'u';
  const t = trees[tn];
  const p = rng.next();
  let op;
  if (p < 0.6) op = { t: 'put', tree: tn, k: key(), v: val() };
  else if (p < 0.75) {
    const k = key();
    if (!t.has(k)) return;
    op = { t: 'del', tree: tn, k };
  } else if (p < 0.85) {
    const from = key();
    const to = key();
    if (!t.has(from) || from === to) return;
    op = { t: 'ren', tree: tn, from, to };
  } else {
    const ops = [];
    for (let i = 0, n = 1 + rng.int(6); i < n; i++) {
      ops.push(rng.next() < 0.8 ? { t: 'put', tree: rng.next() < 0.5 ? 't' : 'u', k: key(), v: val() } : { t: 'del', tree: rng.next() < 0.5 ? 't' : 'u', k: key() });
    }
    op = { t: 'batch', ops };
  }
  out('I ' + JSON.stringify(op));
  announced++;
  if (op.t === 'put') t.put(op.k, op.v);
  else if (op.t === 'del') t.delete(op.k);
  else if (op.t === 'ren') t.rename(op.from, op.to, { overwrite: true });
  else {
    const r = db.atomic((b) => {
      for (const o of op.ops) {
        if (o.t === 'put') b.tree(o.tree).put(o.k, o.v);
        else b.tree(o.tree).delete(o.k);
      }
    });
    if (!r.ok) throw new Error('batch failed: ' + JSON.stringify(r.failure));
  }
  if (durability === 'sync') out('A ' + announced);
}

for (let round = 0; ; round++) {
  const n = 1 + rng.int(40);
  for (let i = 0; i < n; i++) step();
  if (round % 5 === 0) db.checkpoint().catch((e) => { out('E ' + e.code + ' ' + e.message); });
  const target = announced;
  await db.sync();
  out('A ' + target);
  if (bigTree !== null) {
    const c = db.stats().durable.cache;
    out(`C ${c.coldReads.probes + c.misses} ${c.evictions}`);
  }
}
