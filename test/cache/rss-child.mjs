// Child process for memory-bound.test.ts: builds or reads a file DB bigger
// than its cache and reports its RSS, sampled through the workload, as JSON.
// Runs the built package (dist/), as a user's process would.
import { DB } from '../../dist/index.js';
import { Rng } from '../support/rng.mjs';

const [mode, dir, cacheMBArg, keysArg] = process.argv.slice(2);
const cacheMB = Number(cacheMBArg);
const KEYS = Number(keysArg);
const keyOf = (i) => `bucket-${String(i % 64).padStart(2, '0')}/path/sub/file-${String(i).padStart(7, '0')}.bin`;
const valueOf = (i) => `{"size":${i},"etag":"${(i * 2654435761 >>> 0).toString(16)}","pad":"${'x'.repeat(300 + (i % 200))}"}`;

function rssMB() {
  return process.memoryUsage.rss() / 1048576;
}

if (mode === 'build') {
  const db = DB.open(dir, { cacheMB: 512 });
  const t = db.tree('objects');
  for (let i = 0; i < KEYS; i++) t.put(keyOf(i), valueOf(i));
  await db.close();
  process.stdout.write(JSON.stringify({ ok: true }));
} else if (mode === 'hot') {
  // A uniform phase, then a hot set of consecutive keys (two runs in two
  // buckets, a few frames): its frames must end up resident whole, the
  // routing frames that are no longer used giving way.
  const db = DB.open(dir, { cacheMB, checkpoint: false });
  const t = db.tree('objects');
  const rng = new Rng(11);
  let wrong = 0;
  const get = (k) => { if (t.get(keyOf(k))?.toString() !== valueOf(k)) wrong++; };
  for (let i = 0; i < 6000; i++) get(rng.int(KEYS));
  const afterUniform = db.stats().durable.cache;
  const RUN = 600;
  const hotKey = (n) => (n < RUN ? 5 + 64 * (1000 + n) : 40 + 64 * (1200 + n - RUN));
  let peak = rssMB();
  for (let i = 0; i < 30000; i++) { get(hotKey(rng.int(2 * RUN))); if ((i & 1023) === 0) peak = Math.max(peak, rssMB()); }
  const warm = db.stats().durable.cache;
  for (let i = 0; i < 4000; i++) get(hotKey(rng.int(2 * RUN)));
  const end = db.stats().durable.cache;
  await db.close();
  process.stdout.write(JSON.stringify({ wrong, peak, afterUniform, warm, end }));
} else {
  const db = DB.open(dir, { cacheMB, checkpoint: false });
  const t = db.tree('objects');
  const rng = new Rng(7);
  // Warm up until the pool is full, then take the baseline.
  for (let i = 0; i < 3000; i++) t.get(keyOf(rng.int(KEYS)));
  globalThis.gc?.();
  const baseline = rssMB();
  let peak = baseline;
  const sample = () => { peak = Math.max(peak, rssMB()); };
  let wrong = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 4000; i++) {
      const k = rng.int(KEYS);
      if (t.get(keyOf(k))?.toString() !== valueOf(k)) wrong++;
      if ((i & 255) === 0) sample();
    }
    let n = 0;
    for (const e of t.scan({ prefix: 'bucket-' })) { if (e.kind === 'key' && (++n & 4095) === 0) sample(); }
    if (n !== KEYS) wrong++;
    if (t.count('bucket-') !== KEYS) wrong++;
    sample();
  }
  const cache = db.stats().durable.cache;
  await db.close();
  process.stdout.write(JSON.stringify({ baseline, peak, wrong, cache }));
}
