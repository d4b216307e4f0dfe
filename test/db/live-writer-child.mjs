// Writer process for live-readers-processes.test.ts.
//
//   node live-writer-child.mjs DIST_INDEX_URL DIR DURATION_MS
//
// Keeps a conserved total across two trees with cross-tree atomic batches
// (every batch moves an amount between two accounts and bumps meta/step),
// writes noise (puts, deletes, big values that spill frames) and
// checkpoints often. Prints "R" once the first state is durable, then "S <json>"
// with its reader stats when it is done.
import { Rng } from '../support/rng.mjs';

const [distUrl, dir, durationArg] = process.argv.slice(2);
const { DB } = await import(distUrl);

export const ACCOUNTS = 20;
const db = DB.open(dir, { checkpoint: { walBytes: 512 * 1024, intervalMs: 200 } });
const a = db.tree('acct-a');
const b = db.tree('acct-b');
const meta = db.tree('meta');
const noise = db.tree('noise');
db.atomic((batch) => {
  for (let i = 0; i < ACCOUNTS; i++) {
    batch.tree('acct-a').put(`acct/${i}`, '100');
    batch.tree('acct-b').put(`acct/${i}`, '100');
  }
  batch.tree('meta').put('step', '0');
});
await db.checkpoint();
process.stdout.write('R\n');

const rng = new Rng(12345);
const deadline = Date.now() + Number(durationArg);
let step = 0;
while (Date.now() < deadline) {
  for (let k = 0; k < 50; k++) {
    step++;
    const [ft, tt] = [rng.int(2) === 0 ? 'acct-a' : 'acct-b', rng.int(2) === 0 ? 'acct-a' : 'acct-b'];
    const [fi, ti] = [rng.int(ACCOUNTS), rng.int(ACCOUNTS)];
    if (ft === tt && fi === ti) continue;
    const from = Number((ft === 'acct-a' ? a : b).get(`acct/${fi}`));
    const to = Number((tt === 'acct-a' ? a : b).get(`acct/${ti}`));
    const amount = Math.min(from, rng.int(30));
    const r = db.atomic((batch) => {
      batch.tree(ft).put(`acct/${fi}`, String(from - amount));
      batch.tree(tt).put(`acct/${ti}`, String(to + amount));
      batch.tree('meta').put('step', String(step));
    });
    if (!r.ok) throw new Error('batch failed');
    const nk = `n/${rng.int(3000)}`;
    if (rng.int(4) === 0) noise.delete(nk);
    else noise.put(nk, 'z'.repeat(rng.int(8) === 0 ? 20000 : 100));
  }
  if (rng.int(5) === 0) await db.checkpoint();
  else await db.sync();
}
// The test closes our stdin once its readers have exited (at once when stdin is
// /dev/null): only then can the last checkpoints give back every slot they held.
// Waiting on a fixed duration instead failed on a loaded machine, where readers
// were still starting when the writer finished.
await new Promise((resolve) => {
  process.stdin.on('end', resolve);
  process.stdin.resume();
});
// Retired slots are released inside a checkpoint round, and a round runs only
// when something changed, so each try writes a key first. A few tries allow for
// a killed reader whose file lock the kernel has not dropped yet.
let rounds = 0;
do {
  noise.put('n/final', String(rounds++));
  await db.checkpoint();
  if (db.stats().durable.readers.retainedSlots === 0) break;
  await new Promise((r) => setTimeout(r, 100));
} while (rounds < 200);
process.stdout.write('S ' + JSON.stringify(db.stats().durable.readers) + '\n');
await db.close();
