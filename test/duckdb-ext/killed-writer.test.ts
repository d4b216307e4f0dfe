/**
 * The extension beside a real writer process: every query sees one state in
 * which the accounts still sum to 100000 (the live-reader transfer invariant:
 * moves are atomic batches, so a reader that applied half of one would see
 * another sum), and after a SIGKILL that cut the WAL mid-record the
 * extension lists exactly what the TS engine's read-only open lists.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { testDir } from '../support/temp-dir.js';
import { extRows, openExt, tsRows, type Ext } from './helpers.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;
const CHILD = fileURLToPath(new URL('./writer-child.mjs', import.meta.url));

async function startWriter(dir: string): Promise<{ kill: () => Promise<void> }> {
  const child = spawn(process.execPath, [CHILD, DIST, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => { if (l === 'R') resolve(); });
    child.on('exit', (code) => reject(new Error(`writer exited early (${String(code)})`)));
  });
  return {
    kill: () => new Promise<void>((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

describe('holt_read beside a writer process', () => {
  let ext: Ext;
  beforeAll(async () => { ext = await openExt(); });
  afterAll(() => ext.close());

  it('sees consistent totals while the writer runs, and the TS engine\'s rows after it is SIGKILLed', async () => {
    const dir = testDir('duckext-live');
    for (let round = 0; round < 2; round++) {
      const writer = await startWriter(dir);
      const sums: number[] = [];
      const until = Date.now() + 8000;
      while (sums.length < 6 || (sums.length < 40 && Date.now() < until)) {
        const r = await ext.connection.runAndReadAll(
          `SELECT count(*), sum(CAST(CAST(value AS VARCHAR) AS BIGINT)) FROM holt_read('${dir}', 'acct', '')`);
        const [count, sum] = r.getRows()[0] as [bigint, bigint];
        expect(count).toBe(100n);
        sums.push(Number(sum));
        await ext.connection.runAndReadAll(`SELECT count(*) FROM holt_read('${dir}', 'bulk', '')`);
      }
      await writer.kill();
            expect(new Set(sums)).toEqual(new Set([100000]));
      // No writer now: the WAL's torn tail is cut as a read-only open cuts it.
      const reader = await DB.open(dir, { readOnly: true });
      try {
        for (const tree of ['acct', 'bulk']) {
          for (const args of [{ prefix: '' }, { prefix: 'k/', delimiter: '/', reverse: true }, { prefix: 'k/1', maxKeys: 50, startAfter: 'k/15' }]) {
            expect(await extRows(ext, dir, tree, args)).toEqual(tsRows(reader, tree, args));
          }
        }
      } finally {
        await reader.close();
      }
    }
  }, 60_000);
});
