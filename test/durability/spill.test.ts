/**
 * Spills (store/frame-spill.ts): a synchronous loop that dirties ten times the
 * cache keeps its memory within the budget, every key reads back (during the
 * load from spill slots, after a reopen from what the close published), and a
 * SIGKILL while spills run recovers exactly the acknowledged prefix, intact.
 * Both run a child process over dist/ (spill-child.mjs), so RSS is its own.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { Rng } from '../support/rng.mjs';
import { tempDir } from '../support/temp-dir.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;
const CHILD = fileURLToPath(new URL('./spill-child.mjs', import.meta.url));
const key = (i: number): string => `b-${i % 4}/obj-${String(i).padStart(8, '0')}`;
const value = (i: number): string => `${i}:${'v'.repeat(60 + (i % 50))}:${i}`;

const dirs: (() => void)[] = [];
afterAll(() => { for (const c of dirs) c(); });

describe('spills', () => {
  it('a synchronous load of 10x the cache stays within cacheMB + 150 MiB, spills, borrows no overdraft, and every key reads back after a reopen', () => {
    const t = tempDir('spill-load');
    dirs.push(t.cleanup);
    const cacheMB = 8;
    const keys = 420_000;
    const out = execFileSync(process.execPath, [CHILD, DIST, t.dir, 'load', String(cacheMB), String(keys)], { encoding: 'utf8', timeout: 240_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      maxRssMiB: number; wrong: number; verified: boolean; keysAfter: number; overdraftsTotal: number; evictions: number; budgetFrames: number;
      spill: { spills: number; framesSpilled: number; spilledFrames: number; failed: number };
    };
    console.log('spill load', JSON.stringify(r));
    expect(r.wrong).toBe(0);
    expect(r.verified).toBe(true);
    expect(r.keysAfter).toBe(keys);
    // Ten times the cache really went through it: spilled and evicted, read back from spill slots.
    expect(r.spill.framesSpilled).toBeGreaterThan(8 * r.budgetFrames);
    expect(r.evictions).toBeGreaterThan(r.budgetFrames);
    expect(r.spill.failed).toBe(0);
    expect(r.overdraftsTotal).toBe(0);
    expect(r.maxRssMiB).toBeLessThan(cacheMB + 150);
  }, 300_000);

  it('SIGKILL while a load spills: recovery gives every acknowledged key and a prefix of the rest, and the tree verifies', async () => {
    const r = new Rng(20261208);
    const totals = { cycles: 0, acked: 0, recovered: 0, spilledBeforeKill: 0 };
    for (let cycle = 0; cycle < 3; cycle++) {
      const t = tempDir('spill-crash');
      dirs.push(t.cleanup);
      const c = await runUntilKilled(t.dir, 100 + Math.floor(r.next() * 1200));
      totals.cycles++;
      totals.acked += c.acked;
      if (c.spilled) totals.spilledBeforeKill++;
      const db = DB.open(t.dir, { cacheMB: 32, checkpoint: false });
      const tree = db.openTree('objects');
      const n = tree.stats().keys;
      expect(n, `cycle ${cycle}: acknowledged ${c.acked}`).toBeGreaterThanOrEqual(c.acked);
      // Exactly keys 0..n-1, each with its own value: a prefix, nothing torn.
      for (let i = 0; i < n; i++) expect(tree.get(key(i))?.toString(), `key ${i} of ${n}`).toBe(value(i));
      expect(tree.get(key(n))).toBeUndefined();
      expect(tree.verify().ok).toBe(true);
      totals.recovered += n;
      // What recovery rebuilt is published by a clean close and reads back again.
      await db.close();
      const again = DB.open(t.dir, { cacheMB: 4 });
      expect(again.openTree('objects').stats().keys).toBe(n);
      expect(again.openTree('objects').get(key(n - 1))?.toString()).toBe(value(n - 1));
      await again.close();
    }
    console.log('spill crash', JSON.stringify(totals));
    expect(totals.spilledBeforeKill, 'kills landed after spills had run').toBeGreaterThan(0);
  }, 300_000);
});

/** Runs the child in crash mode and SIGKILLs it `afterMs` after its first spill (or once it is done). */
function runUntilKilled(dir: string, afterMs: number): Promise<{ acked: number; spilled: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, DIST, dir, 'crash', '4', '2000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const state = { acked: 0, spilled: false };
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('A ')) state.acked = Number(line.slice(2));
      else if ((line === 'S' || line === 'D') && timer === undefined) {
        state.spilled ||= line === 'S';
        timer = setTimeout(() => child.kill('SIGKILL'), line === 'S' ? afterMs : 0);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code} ${signal}: ${stderr}`));
      else resolve(state);
    });
  });
}
