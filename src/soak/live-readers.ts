/**
 * Mode `live-readers`: one writer process and four reader processes on one
 * directory for the whole run. The parent SIGKILLs a reader or the writer at
 * random moments and starts another in its place.
 *
 * The writer (`live-writer`) moves amounts between accounts held in two trees
 * with cross-tree batches that also bump a step counter, so the total never
 * changes and the step only grows; it writes object noise beside them,
 * group-commits, and checkpoints often. Each reader (`live-reader`) refreshes
 * in a loop and checks that every state it sees is one the writer committed:
 * the accounts add up, the step never goes back (not even across a writer's
 * crash and recovery: a reader only ever applies whole records the writer had
 * handed to the OS), and every key it lists it can get at the same version.
 * A reader that sees anything else prints `BAD <why>` and the run fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DB } from '../index.js';
import { dbPath, openDb, yieldToLoop } from './open-db.js';
import type { SoakOptions } from './options.js';
import { Rng, deriveSeed } from './rng.js';
import { Tally, describeError, emit } from './report.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ACCOUNTS = 20;
const TOTAL = 2 * ACCOUNTS * 100;
const READERS = 4;
const TREES = ['acct-a', 'acct-b'] as const;

/** The accounts of both trees added up. */
function accountsTotal(db: DB): number {
  let sum = 0;
  for (const name of TREES) {
    for (const e of db.openTree(name).scan({ prefix: 'acct/' })) if (e.kind === 'key') sum += Number(e.value!.toString());
  }
  return sum;
}

/** The writer process: never ends by itself. */
export async function runLiveWriter(o: SoakOptions, dir: string): Promise<never> {
  const rng = new Rng(deriveSeed(o.seed, o.round));
  const db = openDb(dir, o, { walBytes: rng.between(64, 1024) * 1024, intervalMs: rng.between(50, 400) });
  if (!db.listTrees().some((t) => t.name === 'meta')) {
    for (const name of [...TREES, 'meta', 'objects']) db.tree(name);
    db.atomic((b) => {
      for (let i = 0; i < ACCOUNTS; i++) for (const name of TREES) b.tree(name).put(`acct/${i}`, '100');
      b.tree('meta').put('step', '0');
    });
    await db.sync();
  }
  const meta = db.openTree('meta');
  const objects = db.openTree('objects');
  let step = Number(meta.get('step')!.toString());
  process.stdout.write('R\n');
  for (;;) {
    for (let k = 0; k < 50; k++) {
      const from = TREES[rng.below(2)]!;
      const to = TREES[rng.below(2)]!;
      const fi = rng.below(ACCOUNTS);
      const ti = (fi + 1 + rng.below(ACCOUNTS - 1)) % ACCOUNTS;
      const have = Number(db.openTree(from).get(`acct/${fi}`)!.toString());
      const dest = Number(db.openTree(to).get(`acct/${ti}`)!.toString());
      const amount = Math.min(have, rng.below(30));
      step++;
      db.atomic((b) => {
        b.tree(from).put(`acct/${fi}`, String(have - amount));
        b.tree(to).put(`acct/${ti}`, String(dest + amount));
        b.tree('meta').put('step', String(step));
      });
      const key = `d${rng.below(20)}/o${rng.below(2000)}`;
      if (rng.below(4) === 0) objects.delete(key);
      else objects.put(key, 'v'.repeat(rng.below(16) === 0 ? 6000 : 60));
    }
    await db.sync();
    if (rng.below(20) === 0) await db.checkpoint();
    await yieldToLoop();
  }
}

/** A reader process: refreshes and checks until killed; prints `S <refreshes> <step>` now and then. */
export async function runLiveReader(o: SoakOptions, dir: string): Promise<never> {
  const rng = new Rng(deriveSeed(o.seed, o.round));
  const bad = (why: string): never => {
    process.stdout.write(`BAD ${why}\n`);
    process.exit(1);
  };
  let db: DB | null = null;
  while (db === null) {
    try {
      db = openDb(dir, o, { readOnly: true });
    } catch {
      await new Promise((r) => setTimeout(r, 20)); // the writer has not made the directory yet
    }
  }
  let lastStep = -1;
  for (let refreshes = 1; ; refreshes++) {
    db.refresh();
    if (!db.listTrees().some((t) => t.name === 'meta')) { await yieldToLoop(); continue; }
    const sum = accountsTotal(db);
    if (sum !== TOTAL) bad(`accounts add up to ${sum}, not ${TOTAL}, at refresh ${refreshes}`);
    const step = Number(db.openTree('meta').get('step')!.toString());
    if (step < lastStep) bad(`step went back from ${lastStep} to ${step}`);
    lastStep = step;
    const objects = db.openTree('objects');
    for (const e of objects.scan({ prefix: `d${rng.below(20)}/`, limit: 50 })) {
      if (e.kind !== 'key') continue;
      const v = objects.getVersion(e.key);
      if (v !== e.version) bad(`${e.key.toString()} listed at version ${e.version}, got ${String(v)}`);
    }
    if (refreshes % 50 === 0) process.stdout.write(`S ${refreshes} ${step}\n`);
    await new Promise((r) => setTimeout(r, rng.below(20)));
  }
}

interface Proc {
  child: ChildProcess;
  killed: boolean;
  /** Resolves when the process is gone (killed, or ended by itself). */
  closed: Promise<void>;
  /** Refreshes and last step from its `S` lines (readers). */
  refreshes: number;
  step: number;
  ready: Promise<void>;
}

/** The parent: runs the processes, kills and restarts them, and checks the directory at the end. */
export async function runLiveReaders(o: SoakOptions, dir: string, tally: Tally): Promise<void> {
  const rng = new Rng(o.seed);
  let round = 0;
  let failure: string | null = null;
  const start = (mode: 'live-writer' | 'live-reader'): Proc => {
    const args = [MAIN, '--mode', mode, '--dir', dir, '--round', String(++round), '--seed', String(o.seed),
      '--durability', o.durability, '--cache-mb', String(o.cacheMB)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => { if (stderr.length < 4000) stderr += s; });
    let markReady: () => void = () => {};
    let markClosed: () => void = () => {};
    const p: Proc = {
      child, killed: false, refreshes: 0, step: -1,
      ready: new Promise((r) => { markReady = r; }),
      closed: new Promise((r) => { markClosed = r; }),
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'R') markReady();
      else if (line.startsWith('S ')) { const [, n, s] = line.split(' '); p.refreshes = Number(n); p.step = Number(s); }
      else if (line.startsWith('BAD ')) failure ??= `${mode}: ${line.slice(4)}`;
    });
    if (mode === 'live-reader') markReady();
    child.on('close', (code, signal) => {
      markReady();
      markClosed();
      if (!p.killed) failure ??= `${mode} exited by itself (code ${String(code)}, signal ${String(signal)}): ${stderr.trim()}`;
    });
    return p;
  };
  const kill = async (p: Proc): Promise<void> => {
    p.killed = true;
    p.child.kill('SIGKILL'); // a no-op when it has already ended
    await p.closed;
  };

  let writer = start('live-writer');
  await writer.ready;
  const readers = Array.from({ length: READERS }, () => start('live-reader'));
  let refreshes = 0;
  let stepSeen = -1;
  const deadline = Date.now() + o.durationSec * 1000;
  while (Date.now() < deadline && failure === null) {
    await new Promise((r) => setTimeout(r, rng.between(200, 1500)));
    const victim = rng.below(READERS + 1);
    tally.kills++;
    tally.cycles++;
    if (victim === READERS) {
      await kill(writer);
      writer = start('live-writer');
      await writer.ready;
    } else {
      const r = readers[victim]!;
      refreshes += r.refreshes;
      stepSeen = Math.max(stepSeen, r.step);
      await kill(r);
      readers[victim] = start('live-reader');
    }
    emit({ mode: 'live-readers', cycle: tally.cycles, killed: victim === READERS ? 'writer' : `reader ${victim}`, refreshes, stepSeen });
  }
  for (const r of readers) { refreshes += r.refreshes; stepSeen = Math.max(stepSeen, r.step); await kill(r); }
  await kill(writer);
  tally.ops = refreshes;
  if (failure !== null) { tally.fatal = failure; return; }
  // What a fresh open reads at the end is a committed state at least as new as any reader saw.
  if (!existsSync(dbPath(dir))) { tally.fatal = 'no database was written'; return; }
  const db = openDb(dir, o, { readOnly: true });
  try {
    const sum = accountsTotal(db);
    tally.keysVerified += 2 * ACCOUNTS;
    const step = Number(db.openTree('meta').get('step')!.toString());
    if (sum !== TOTAL) tally.mismatch('wrong', { tree: TREES.join('+'), key: 'acct/*', expected: String(TOTAL), found: String(sum), cycle: tally.cycles });
    if (step < stepSeen) tally.mismatch('lost', { tree: 'meta', key: 'step', expected: `>= ${stepSeen}`, found: String(step), cycle: tally.cycles });
    emit({ mode: 'live-readers', final: true, step, stepSeen, refreshes, verify: db.openTree('objects').verify().ok });
  } catch (e) {
    tally.fatal = describeError(e);
  } finally {
    await db.close();
  }
}
