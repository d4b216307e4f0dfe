// Child process of spill.test.ts: loads keys in one synchronous loop into a DB
// whose cache is a tenth of the data, so that dirty frames must spill.
//
//   node spill-child.mjs DIST_INDEX_URL DIR MODE CACHE_MB KEYS
//
// Keys are `b-<i % 4>/obj-<i>` with a value that names i, loaded in i order:
// four sequential streams, as an import of a few sorted sources writes them.
//
// MODE load: one synchronous loop (checkpoint: false, so every spilled frame read
//   back before the close comes from its spill slot); every 20,000 puts, 200
//   earlier keys are read back and checked. Then close, reopen, check every key.
//   Prints one JSON line: { maxRssMiB, wrong, spill, overdraftsTotal, evictions, budgetFrames }.
// MODE crash: the same loop with default checkpoints, acknowledging progress:
//   every 25,000 puts it awaits db.sync() (a round may then run too) and prints
//   `A <n>` (keys 0..n-1 are durable); `S` once a spill has run. The parent
//   SIGKILLs it at a random moment.
import { writeSync } from 'node:fs';

const [distUrl, dir, mode, cacheArg, keysArg] = process.argv.slice(2);
const { DB } = await import(distUrl);
const cacheMB = Number(cacheArg);
const keys = Number(keysArg);
const key = (i) => `b-${i % 4}/obj-${String(i).padStart(8, '0')}`;
const value = (i) => `${i}:${'v'.repeat(60 + (i % 50))}:${i}`;
const out = (s) => writeSync(1, s + '\n');

if (mode === 'load') {
  const db = DB.open(dir, { cacheMB, checkpoint: false });
  const t = db.tree('objects');
  let wrong = 0;
  let x = 12345;
  for (let i = 0; i < keys; i++) {
    t.put(key(i), value(i));
    if (i % 20_000 === 19_999) {
      for (let k = 0; k < 200; k++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const j = x % (i + 1);
        if (t.get(key(j))?.toString() !== value(j)) wrong++;
      }
    }
  }
  const s = db.stats().durable;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  await db.close();
  const again = DB.open(dir, { cacheMB });
  const r = again.openTree('objects');
  for (let i = 0; i < keys; i++) if (r.get(key(i))?.toString() !== value(i)) wrong++;
  const verified = r.verify().ok;
  const keysAfter = r.stats().keys;
  await again.close();
  out(JSON.stringify({ maxRssMiB, wrong, verified, keysAfter, spill: s.spill, overdraftsTotal: s.cache.overdraftsTotal, evictions: s.cache.evictions, budgetFrames: s.cache.budgetFrames }));
} else if (mode === 'crash') {
  const db = DB.open(dir, { cacheMB });
  const t = db.tree('objects');
  let spilled = false;
  for (let i = 0; i < keys; i++) {
    t.put(key(i), value(i));
    if (i % 25_000 === 24_999) {
      await db.sync();
      out(`A ${i + 1}`);
      if (!spilled && db.stats().durable.spill.framesSpilled > 0) { spilled = true; out('S'); }
    }
  }
  out('D');
  await new Promise(() => {}); // wait for the kill
}
