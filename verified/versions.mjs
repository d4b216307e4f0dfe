// Version monotonicity across WAL segment switches and restarts: every version
// the production DB (DB.open on a directory) hands out is above every version
// handed out before it in this run and every version that was durable before a
// restart, so a version token never names two different writes. Original
// invariant 14's counterpart for record versions (holt-facts §4, §17.2).
//
// Every sequence of ops up to a depth is run from a fresh directory:
//   put         t.put (a new key, then overwriting one)           one version
//   batch       db.atomic with two puts                            two versions
//   delete      t.delete of a live key                             uses a version
//   checkpoint  db.checkpoint(): a new WAL segment, old ones deleted
//   reopen      close, then DB.open again (a clean restart)
//   crash       db.sync(), copy the directory as it is on disk, open the copy
//   tear        copy the directory without a sync (appends not yet written are
//               lost, as a killed process loses them), open the copy
// After each op the returned versions are checked, and after each (re)open
// every key reads back with the version of its last durable write. A second
// start places the version counter just below 2^53 (a WAL header written before
// the first open), so the same sequences run the counter up to the last safe
// integer: nothing may exceed it, repeat or lose precision on the way.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';

const OPS = ['put', 'batch', 'delete', 'checkpoint', 'reopen', 'crash', 'tear'];

export async function checkVersions({ dist, fast = false }) {
  const report = new Report('version monotonicity', 'verified/versions.mjs');
  const { DB } = await load(dist, 'index.js');
  const { encodeWalHeader } = await load(dist, 'wal/wal-header.js');
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const scratch = mkdtempSync(join(base, 'holt-verify-versions-'));
  // Each run writes real files (a WAL segment preallocates 4 MiB), so the bounds are small.
  const depth = fast ? 2 : 3;
  const topDepth = 2;
  let runs = 0;
  let opsRun = 0;
  let versionsSeen = 0;
  let segmentSwitches = 0;
  let restarts = 0;
  let highest = 0;

  const runSequence = async (seq, start) => {
    runs++;
    let dir = mkdtempSync(join(scratch, 'db-'));
    if (start > 0) {
      // A first segment whose header says versions up to `start` were handed out.
      writeFileSync(join(dir, 'wal-000001.log'), encodeWalHeader({ baseSeq: start, createdAtMs: 1 }));
    }
    const where = (i) => `${start > 0 ? `from ${start}: ` : ''}put ${seq.slice(0, i + 1).join(' ')}`;
    let db = DB.open(dir, { checkpoint: false });
    let t = db.tree('t');
    let handed = start; // highest version returned so far (or implied by the start)
    let durableHanded = start; // highest version known durable
    let model = new Map(); // key -> version of its last write (undefined: deleted)
    let durableModel = new Map();
    let n = 0;
    const take = (v, i, what) => {
      versionsSeen++;
      highest = Math.max(highest, v);
      report.check(Number.isSafeInteger(v) && v > handed && v > durableHanded, () => `${where(i)}: ${what} got version ${v}, not above ${Math.max(handed, durableHanded)} handed out before`);
      handed = Math.max(handed, v);
    };
    const reopenCheck = (i, expected) => {
      for (const [k, v] of expected) {
        const got = t.getVersion(k);
        report.check(got === v, () => `${where(i)}: after reopening, ${k} has version ${got}, its last durable write had ${v}`);
      }
      report.check(t.count() === [...expected.values()].filter((v) => v !== undefined).length, () => `${where(i)}: after reopening the tree holds ${t.count()} keys`);
    };
    const reopenFrom = async (copyDir, i) => {
      await db.close();
      if (copyDir !== dir) rmSync(dir, { recursive: true, force: true });
      dir = copyDir;
      db = DB.open(dir, { checkpoint: false });
      t = db.tree('t');
      restarts++;
    };
    // One write before the sequence, so the first op already has a version to stay above.
    {
      const v = t.put('k-init', 'v');
      take(v, -1, 'the first put');
      model.set('k-init', v);
    }
    for (let i = 0; i < seq.length; i++) {
      opsRun++;
      switch (seq[i]) {
        case 'put': {
          const k = n % 2 === 0 ? `k${n}` : 'k0';
          n++;
          const v = t.put(k, `value ${n}`);
          take(v, i, `put ${k}`);
          model.set(k, v);
          break;
        }
        case 'batch': {
          const r = db.atomic((b) => { b.tree('t').put('b1', 'x').put('b2', 'y'); });
          report.check(r.ok && r.versions.length === 2 && r.versions[1] > r.versions[0], () => `${where(i)}: batch returned ${JSON.stringify(r)}`);
          for (const v of r.versions) take(v, i, 'batch');
          model.set('b1', r.versions[0]);
          model.set('b2', r.versions[1]);
          break;
        }
        case 'delete': {
          const live = [...model].find(([, v]) => v !== undefined);
          if (live === undefined) break;
          report.check(t.delete(live[0]) === true, () => `${where(i)}: delete of live ${live[0]} returned false`);
          model.set(live[0], undefined);
          break;
        }
        case 'checkpoint':
          await db.checkpoint();
          segmentSwitches++;
          durableHanded = handed;
          durableModel = new Map(model);
          break;
        case 'reopen':
          await reopenFrom(dir, i);
          durableHanded = handed;
          durableModel = new Map(model);
          reopenCheck(i, durableModel);
          break;
        case 'crash': {
          await db.sync();
          durableHanded = handed;
          durableModel = new Map(model);
          const copy = mkdtempSync(join(scratch, 'crash-'));
          cpSync(dir, copy, { recursive: true });
          await reopenFrom(copy, i);
          reopenCheck(i, durableModel);
          break;
        }
        case 'tear': {
          // Whatever reached the files survives: at least the durable state, at most everything.
          const copy = mkdtempSync(join(scratch, 'tear-'));
          cpSync(dir, copy, { recursive: true });
          await reopenFrom(copy, i);
          const survived = new Map();
          for (const k of new Set([...model.keys(), ...durableModel.keys()])) {
            const got = t.getVersion(k);
            const ok = got === durableModel.get(k) || got === model.get(k) || (got !== undefined && got > (durableModel.get(k) ?? 0) && got <= handed);
            report.check(ok, () => `${where(i)}: after a tear ${k} has version ${got}; durable ${durableModel.get(k)}, last written ${model.get(k)}`);
            survived.set(k, got);
          }
          // What was lost was never durable; what follows must still be above every durable version.
          model = survived;
          durableModel = new Map(survived);
          handed = Math.max(durableHanded, ...[...survived.values()].filter((v) => v !== undefined));
          break;
        }
      }
    }
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };

  const sequences = (d) => {
    let out = [[]];
    for (let i = 0; i < d; i++) out = out.flatMap((s) => OPS.map((op) => [...s, op]));
    return out;
  };
  const TOP = Number.MAX_SAFE_INTEGER;
  // Creating the tree at the first open logs a two-op catalog batch, the first put takes
  // one, each op then at most two: the longest runs (all batches) end exactly at 2^53 - 1.
  const topStart = TOP - (2 + 1 + 2 * topDepth);
  try {
    for (const seq of sequences(depth)) await runSequence(seq, 0);
    for (const seq of sequences(topDepth)) await runSequence(seq, topStart);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  report.check(highest === TOP, `the runs near 2^53 ended at version ${highest}, not at 2^53 - 1`);
  report.claim('V1', 'Versions strictly increase within a run and stay above every version durable before a checkpoint (segment switch), clean restart, crash after sync, or crash that tears off unsynced appends; every key reopens with the version of its last durable write',
    `every sequence of ${depth} of ${OPS.length} ops (${OPS.join(', ')}) from a fresh DB: ${n(sequences(depth).length)} runs`);
  report.claim('V2', 'Near the top of the range the same holds up to the last safe integer, which no version exceeds',
    `every sequence of ${topDepth} ops starting at ${n(topStart)}: ${n(sequences(topDepth).length)} runs, highest version ${n(highest)} (2^53 - 1 = ${n(TOP)}); ` +
    `${n(runs)} runs in all, ${n(opsRun)} ops, ${n(versionsSeen)} versions, ${n(segmentSwitches)} checkpoints, ${n(restarts)} reopens`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkVersions);
}
