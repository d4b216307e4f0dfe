// Small trees: what a tree with a few keys costs (art/shared-frame.ts).
// Prints createTree time, bytes per small tree (memory and data file), and the
// time DB.open takes for a database of 100,000 trees. Plain node; run after
// `npx tsc -p tsconfig.json` (imports ../dist).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB } from '../dist/index.js';

const FRAME_SIZE = 512 * 1024;
const CREATE = Number(process.env.CREATE ?? 10_000);
const OPEN_TREES = Number(process.env.OPEN_TREES ?? 100_000);

function dir() { return mkdtempSync(join(tmpdir(), 'holt-small-trees-')); }

{
  const db = DB.memory();
  const t0 = performance.now();
  let first = 0;
  for (let i = 0; i < CREATE; i++) {
    db.createTree(`t/${i}`);
    if (i === 999) first = ((performance.now() - t0) * 1000) / 1000;
  }
  const us = ((performance.now() - t0) * 1000) / CREATE;
  for (let i = 0; i < CREATE; i++) db.openTree(`t/${i}`).put('key', 'value');
  // The first 1,000 include warm-up; the catalog is persistent (db/persistent-map.ts), so the mean stays flat.
  console.log(`memory DB: createTree ${first.toFixed(2)} us mean over the first 1000, ${us.toFixed(2)} us over ${CREATE}; ${(db.stats().frames * FRAME_SIZE / CREATE).toFixed(0)} frame bytes per one-key tree`);
  // A snapshot records nothing per tree (store/frame-versions.ts preserveTree): O(1) however many trees.
  const s0 = performance.now();
  for (let i = 0; i < 1000; i++) db.snapshot().close();
  console.log(`memory DB: snapshot + close with ${CREATE} trees ${((performance.now() - s0)).toFixed(2)} us mean`);
  await db.close();
}

{
  const d = dir();
  const db = DB.open(d, { checkpoint: false });
  const t0 = performance.now();
  for (let i = 0; i < CREATE; i++) db.createTree(`t/${i}`);
  const us = ((performance.now() - t0) * 1000) / CREATE;
  for (let i = 0; i < CREATE; i++) db.openTree(`t/${i}`).put('key', 'value');
  const mem = db.stats().frames * FRAME_SIZE / CREATE;
  await db.close();
  const file = statSync(join(d, 'data.holt')).size / CREATE;
  console.log(`file DB: createTree ${us.toFixed(2)} us mean over ${CREATE}; ${mem.toFixed(0)} frame bytes and ${file.toFixed(0)} data-file bytes per one-key tree`);
  rmSync(d, { recursive: true, force: true });
}

{
  const d = dir();
  let db = DB.open(d, { checkpoint: false });
  let t0 = performance.now();
  for (let i = 0; i < OPEN_TREES; i++) db.createTree(`tenant/${i}`).put('k', String(i));
  const build = performance.now() - t0;
  t0 = performance.now();
  await db.close();
  const close = performance.now() - t0;
  t0 = performance.now();
  db = DB.open(d, { checkpoint: false });
  const open = performance.now() - t0;
  const ok = db.openTree(`tenant/${OPEN_TREES - 1}`).get('k')?.toString() === String(OPEN_TREES - 1);
  await db.close();
  console.log(`${OPEN_TREES} trees: created+put in ${build.toFixed(0)} ms, checkpoint+close ${close.toFixed(0)} ms, DB.open ${open.toFixed(0)} ms (read back ${ok ? 'ok' : 'WRONG'})`);
  rmSync(d, { recursive: true, force: true });
}
