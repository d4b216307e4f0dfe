/**
 * Reader processes beside a writer process: a writer doing cross-tree atomic
 * batches, noise writes and checkpoints; three readers refreshing and checking
 * that every state they see is one the writer committed (the accounts add up,
 * the step never goes back); one reader SIGKILLed halfway, whose claim must
 * not pin space for ever. At the end no slot stays retained and no claim is
 * left behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, testDir } from '../support/temp-dir.js';
import { DB } from '../../src/index.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;
const WRITER = fileURLToPath(new URL('./live-writer-child.mjs', import.meta.url));
const READER = fileURLToPath(new URL('./live-reader-child.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const t = tempDir('live-readers');
afterAll(() => t.cleanup());

interface Run { child: ChildProcess; lines: string[]; done: Promise<{ code: number | null; signal: string | null; stderr: string }> }

/** `holdStdin`: the child's stdin stays open until the test ends it (the writer waits for that). */
function run(script: string, durationMs: number, dir = t.dir, holdStdin = false): Run {
  const stdin = holdStdin ? 'pipe' : 'ignore';
  const child = spawn(process.execPath, [script, DIST, dir, String(durationMs)], { stdio: [stdin, 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, lines, done };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('reader processes beside a writer process', () => {
  it('every refreshed state is a committed one; a killed reader releases its claim', async () => {
    const writer = run(WRITER, 9000, t.dir, true);
    await until(() => writer.lines.includes('R'), 30_000);
    const readers = [run(READER, 6000), run(READER, 6000), run(READER, 60_000)];
    // The CLI's SQL over the live directory: one consistent state (the accounts add up).
    const sql = "SELECT count(*) AS n, sum(CAST(CAST(value AS VARCHAR) AS BIGINT)) AS total FROM holt_scan('acct-a', '') UNION ALL SELECT count(*), sum(CAST(CAST(value AS VARCHAR) AS BIGINT)) FROM holt_scan('acct-b', '')";
    const out = execFileSync(process.execPath, [CLI, 'sql', t.dir, sql, '--json'], { encoding: 'utf8' });
    const rows = JSON.parse(out) as { n: string | number; total: string | number }[];
    expect(rows.map((r) => Number(r.n))).toEqual([20, 20]);
    expect(Number(rows[0]!.total) + Number(rows[1]!.total)).toBe(4000);
    await new Promise((r) => setTimeout(r, 2500));
    readers[2]!.child.kill('SIGKILL');
    const results = await Promise.all(readers.map((r) => r.done));
    expect(results[2]!.signal, `third reader: ${readers[2]!.lines.join(' ')} ${results[2]!.stderr}`).toBe('SIGKILL');
    for (const [i, r] of results.slice(0, 2).entries()) {
      const last = readers[i]!.lines.at(-1) ?? '';
      expect(r.code, `reader ${i}: ${last} ${r.stderr}`).toBe(0);
      const [, refreshes, step] = last.split(' ');
      expect(Number(refreshes)).toBeGreaterThan(10);
      expect(Number(step)).toBeGreaterThan(0);
    }
    // Every reader has exited: the writer may now take its last checkpoints.
    writer.child.stdin!.end();
    const w = await writer.done;
    expect(w.code, w.stderr).toBe(0);
    const stats = JSON.parse(writer.lines.find((l) => l.startsWith('S '))!.slice(2)) as { retainedSlots: number };
    console.log('writer readers stats', JSON.stringify(stats), 'reader lines', readers.map((r) => r.lines.at(-1)));
    // The killed reader's claim no longer pins anything, and is gone from readers/.
    expect(stats.retainedSlots).toBe(0);
    expect(readdirSync(join(t.dir, 'readers')).filter((n) => n.startsWith('r-'))).toEqual([]);
  }, 120_000);

  it('a reader keeps catching up across a writer SIGKILLed mid-write and the writer that replaces it', async () => {
    const dir = testDir('live-readers-kill');
    const start = (ms: number): Run => run(WRITER, ms, dir);
    // Every state the reader sees must be one a writer committed: the accounts add up.
    const check = (r: DB, when: string): void => {
      let sum = 0;
      for (const name of ['acct-a', 'acct-b']) for (const e of r.openTree(name).scan({ prefix: 'acct/' })) sum += Number(e.value.toString());
      expect(sum, when).toBe(4000);
    };
    const first = start(60_000);
    await until(() => first.lines.includes('R'), 30_000);
    const r = DB.open(dir, { readOnly: true, cacheMB: 4 });
    const refreshFor = async (ms: number, when: string): Promise<void> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        r.refresh();
        check(r, when);
        await new Promise((res) => setTimeout(res, 15));
      }
    };
    await refreshFor(1500, 'beside the first writer');
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    await refreshFor(300, 'after the kill');
    const second = start(1500);
    await refreshFor(2500, 'beside the second writer');
    const ended = await second.done;
    expect(ended.code, ended.stderr).toBe(0);
    r.refresh();
    check(r, 'at the end');
    // The reader holds exactly what a fresh open of the directory reads.
    const fresh = DB.open(dir, { readOnly: true });
    for (const info of fresh.listTrees()) {
      const want = [...fresh.openTree(info.name).scan()].map((e) => `${e.key.toString()}=${e.value.toString()}@${e.version}`);
      const got = [...r.openTree(info.name).scan()].map((e) => `${e.key.toString()}=${e.value.toString()}@${e.version}`);
      expect(got, info.name).toEqual(want);
    }
    expect(r.listTrees()).toEqual(fresh.listTrees());
    const s = r.stats().durable!.readers;
    expect(s.catchUps).toBeGreaterThan(20);
    console.log('reader across a killed writer', JSON.stringify(s));
    await fresh.close();
    await r.close();
  }, 120_000);
});
