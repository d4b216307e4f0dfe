/**
 * Mode `child`: the writer a crash parent starts and SIGKILLs. It never ends
 * by itself. It opens the database (recovering whatever the previous child
 * left), then forever: issues a group of 1–8 operations, each named in the
 * ack log before it is issued, waits for `db.sync()` of the group (the syncs
 * overlap, so group commit serves several waiters), and acknowledges the group
 * with one fdatasynced ack line. Background checkpoints are tuned to fire
 * every few hundred milliseconds, and the child also checkpoints by hand now
 * and then, so kills land in writes, syncs, checkpoints and recovery alike.
 *
 * Once open it prints `R` on stdout so the parent can time a kill from the
 * end of recovery. Revisions are round × 10⁹ + n, so they increase across rounds.
 * For `crash` an op is a put or delete on `objects` (sometimes several in one
 * tree.atomic); for `db-crash` an op is one db.atomic writing (or deleting)
 * the same key in `objects` and `inodes` with the same revision.
 */
import { join } from 'node:path';
import { ACK_LOG, AckLogWriter, REVS_PER_ROUND } from './ack-log.js';
import { keyFor, valueFor } from './keys.js';
import type { SoakOptions } from './options.js';
import { openDb, yieldToLoop } from './open-db.js';
import { Rng, deriveSeed } from './rng.js';
import { runBulkChild } from './bulk-child.js';


export async function runChild(o: SoakOptions, dir: string): Promise<never> {
  if (o.childOf === 'bulk-crash') return runBulkChild(o, dir);
  const rng = new Rng(deriveSeed(o.seed, o.round));
  const log = new AckLogWriter(join(dir, ACK_LOG));
  const db = openDb(dir, o, { walBytes: rng.between(16, 1024) * 1024, intervalMs: rng.between(20, 300) });
  const dual = o.childOf === 'db-crash';
  const objects = db.tree('objects');
  const inodes = dual ? db.tree('inodes') : null;
  let rev = o.round * REVS_PER_ROUND;
  // Tell the parent recovery is over: it may time this round's kill from here.
  process.stdout.write('R\n');
  const checkpointsDone = (): number => {
    const d = db.stats().durable as { checkpoint?: { succeeded?: number } } | null;
    return d?.checkpoint?.succeeded ?? 0;
  };
  const parent = process.ppid;
  for (;;) {
    // An orphan (its parent died) stops instead of writing forever.
    if (process.ppid !== parent) process.exit(3);
    const group = rng.between(1, 8);
    const syncs: Promise<void>[] = [];
    for (let g = 0; g < group; g++) {
      const i = rng.below(o.keys);
      if (!dual && rng.chance(0.1)) {
        // Several keys in one tree.atomic: all of them or none.
        const n = rng.between(2, 4);
        const ops: { i: number; rev: number }[] = [];
        for (let j = 0; j < n; j++) {
          ops.push({ i: rng.below(o.keys), rev: ++rev });
          log.intent(ops[j]!.rev, 'P', ops[j]!.i);
        }
        objects.atomic((b) => { for (const op of ops) b.put(keyFor(op.i), valueFor('objects', op.i, op.rev)); });
      } else {
        const del = objects.has(keyFor(i)) && rng.chance(0.2);
        const r = ++rev;
        log.intent(r, del ? 'D' : 'P', i);
        if (inodes === null) {
          if (del) objects.delete(keyFor(i));
          else objects.put(keyFor(i), valueFor('objects', i, r));
        } else {
          db.atomic((b) => {
            if (del) {
              b.tree('objects').delete(keyFor(i));
              b.tree('inodes').delete(keyFor(i));
            } else {
              b.tree('objects').put(keyFor(i), valueFor('objects', i, r));
              b.tree('inodes').put(keyFor(i), valueFor('inodes', i, r));
            }
          });
        }
      }
      syncs.push(db.sync());
    }
    if (rng.chance(0.03)) await db.checkpoint();
    await Promise.all(syncs);
    log.ack(rev, checkpointsDone());
    if (rng.chance(0.2)) await yieldToLoop();
  }
}
