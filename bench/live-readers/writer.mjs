// Writer process of the live-readers bench (run.mjs).
//
//   node writer.mjs DIST_INDEX_URL DIR DURATION_MS WAL_CHECKPOINT_BYTES
//
// An object-catalog writer: cross-tree atomic transfers (the readers check
// that the accounts always add up) and object puts/deletes with small and
// occasional large values, group-committed every 50 steps, checkpoints on the
// store's own schedule. Prints "R" once the first state is durable, waits for
// "go" on stdin, runs for DURATION_MS and prints "S <steps> <checkpoints>".
import { createInterface } from 'node:readline';

const [distUrl, dir, durationArg, walBytesArg] = process.argv.slice(2);
const { DB } = await import(distUrl);
const ACCOUNTS = 20;
const db = DB.open(dir, { checkpoint: { walBytes: Number(walBytesArg) } });
const a = db.tree('acct-a');
const b = db.tree('acct-b');
const objects = db.tree('objects');
db.tree('meta');
db.atomic((batch) => {
  for (let i = 0; i < ACCOUNTS; i++) {
    batch.tree('acct-a').put(`acct/${i}`, '100');
    batch.tree('acct-b').put(`acct/${i}`, '100');
  }
  batch.tree('meta').put('step', '0');
});
for (let i = 0; i < 20_000; i++) objects.put(`tenant-${i % 16}/dir-${i % 97}/obj-${i}`, 'v'.repeat(100));
await db.checkpoint();
process.stdout.write('R\n');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

let x = 12345;
const rnd = (n) => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x % n; };
const deadline = Date.now() + Number(durationArg);
let step = 0;
while (Date.now() < deadline) {
  for (let k = 0; k < 50; k++) {
    step++;
    const ft = rnd(2) === 0 ? 'acct-a' : 'acct-b';
    const tt = rnd(2) === 0 ? 'acct-a' : 'acct-b';
    const fi = rnd(ACCOUNTS);
    const ti = (fi + 1 + rnd(ACCOUNTS - 1)) % ACCOUNTS;
    const from = Number((ft === 'acct-a' ? a : b).get(`acct/${fi}`));
    const to = Number((tt === 'acct-a' ? a : b).get(`acct/${ti}`));
    const amount = Math.min(from, rnd(30));
    db.atomic((batch) => {
      batch.tree(ft).put(`acct/${fi}`, String(from - amount));
      batch.tree(tt).put(`acct/${ti}`, String(to + amount));
      batch.tree('meta').put('step', String(step));
    });
    const key = `tenant-${rnd(16)}/dir-${rnd(97)}/obj-${rnd(40_000)}`;
    if (rnd(4) === 0) objects.delete(key);
    else objects.put(key, 'v'.repeat(rnd(16) === 0 ? 8000 : 100));
  }
  await db.sync();
}
process.stdout.write(`S ${step} ${db.stats().durable.checkpoint.succeeded}\n`);
await db.close();
