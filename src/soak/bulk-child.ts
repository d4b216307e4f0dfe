/**
 * The writer of mode `bulk-crash`, started and SIGKILLed like `child`: it
 * loads runs of 10,000-40,000 puts, each run one synchronous loop that never
 * yields (as an import does), keys in order within one bucket, then waits for
 * `db.sync()` and acknowledges the run. With a small --cache-mb a run dirties
 * more frames than the cache holds, so they spill (store/frame-spill.ts)
 * between puts; background checkpoints run between runs and publish the
 * spilled frames. Kills land in puts, spills, syncs and checkpoints. Every put
 * is named in the ack log before it is issued (ack-log.ts).
 */
import { join } from 'node:path';
import { ACK_LOG, AckLogWriter, REVS_PER_ROUND } from './ack-log.js';
import { BUCKETS, keyFor, valueFor } from './keys.js';
import type { SoakOptions } from './options.js';
import { openDb } from './open-db.js';
import { Rng, deriveSeed } from './rng.js';

export async function runBulkChild(o: SoakOptions, dir: string): Promise<never> {
  const rng = new Rng(deriveSeed(o.seed, o.round));
  const log = new AckLogWriter(join(dir, ACK_LOG));
  const db = openDb(dir, o, { walBytes: rng.between(1024, 8192) * 1024, intervalMs: rng.between(50, 500) });
  const objects = db.tree('objects');
  let rev = o.round * REVS_PER_ROUND;
  process.stdout.write('R\n');
  const checkpointsDone = (): number => db.stats().durable?.checkpoint.succeeded ?? 0;
  const parent = process.ppid;
  for (;;) {
    if (process.ppid !== parent) process.exit(3);
    const run = rng.between(10_000, 40_000);
    // Keys i, i + BUCKETS, ...: one bucket. The run's intents are logged in one write before it starts.
    const start = rng.below(o.keys);
    log.intents(run, (n) => ({ rev: rev + 1 + n, kind: 'P', i: (start + n * BUCKETS) % o.keys }));
    for (let n = 0, i = start; n < run; n++, i = (i + BUCKETS) % o.keys) {
      const r = ++rev;
      objects.put(keyFor(i), valueFor('objects', i, r));
    }
    await db.sync();
    log.ack(rev, checkpointsDone());
  }
}
