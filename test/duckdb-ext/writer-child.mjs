// Child process of killed-writer.test.ts: a writer the parent reads beside and
// SIGKILLs.
//
//   node writer-child.mjs DIST_INDEX_URL DIR
//
// Trees: `acct` (100 accounts whose values always sum to 100000: every step
// moves an amount between two of them in one atomic batch) and `bulk` (batches
// of 40 puts of 200-600 bytes and some deletes, so the WAL grows fast and a kill
// lands inside a record). Checkpoints now and then. Prints "R" once the
// accounts exist, with a blocking write.
import { writeSync } from 'node:fs';
import { Rng } from '../support/rng.mjs';

const [distUrl, dir] = process.argv.slice(2);
const { DB } = await import(distUrl);
const db = await DB.open(dir);
const acct = db.listTrees().some((t) => t.name === 'acct') ? db.tree('acct') : db.createTree('acct');
if (!db.listTrees().some((t) => t.name === 'bulk')) db.createTree('bulk');
const key = (i) => `a/${String(i).padStart(3, '0')}`;
if (acct.count() === 0) {
  db.atomic((b) => { for (let i = 0; i < 100; i++) b.tree('acct').put(key(i), '1000'); });
}
await db.sync();
writeSync(1, 'R\n');
const rng = new Rng(12345);
for (let step = 0; ; step++) {
  const from = rng.int(100);
  const to = rng.int(100);
  const fv = Number(acct.get(key(from)).toString());
  const amount = rng.int(50);
  if (from !== to && fv >= amount) {
    const tv = Number(acct.get(key(to)).toString());
    db.atomic((b) => { b.tree('acct').put(key(from), String(fv - amount)).put(key(to), String(tv + amount)); });
  }
  db.atomic((b) => {
    const t = b.tree('bulk');
    for (let i = 0; i < 40; i++) t.put(`k/${rng.int(5000)}`, 'v'.repeat(200 + rng.int(400)));
    t.delete(`k/${rng.int(5000)}`);
  });
  if (step % 10 === 0) await db.sync();
  if (step % 100 === 99) await db.checkpoint();
  if (step % 10 === 5) await new Promise((r) => setImmediate(r));
}
