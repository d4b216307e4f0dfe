/**
 * holt_scan reads one snapshot: while the application keeps moving amounts
 * between keys (between DuckDB's chunk pulls, on the same event loop), a
 * count and a sum over the whole tree always reconcile.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { openBridge } from './helpers.js';
import { Rng } from '../support/rng.mjs';

const KEYS = 20_000;
const EACH = 50;

describe('holt_scan over a tree being written', () => {
  it('count and sum describe one state, whatever is written between chunks', async () => {
    const db = DB.memory();
    const t = db.tree('accounts');
    for (let i = 0; i < KEYS; i++) t.put(`acct/${String(i).padStart(6, '0')}`, String(EACH));
    const bridge = await openBridge(db);
    let writes = 0;
    let running = true;
    // Move amounts between random accounts as fast as the event loop allows;
    // DuckDB's worker thread calls back into this loop for every chunk.
    const writer = (async () => {
      const rng = new Rng(1);
      while (running) {
        for (let k = 0; k < 200; k++) {
          const a = `acct/${String(rng.int(KEYS)).padStart(6, '0')}`;
          const b = `acct/${String(rng.int(KEYS)).padStart(6, '0')}`;
          if (a === b) continue;
          db.atomic((batch) => {
            const va = Number(t.get(a)!.toString());
            const vb = Number(t.get(b)!.toString());
            batch.tree('accounts').put(a, String(va - 1)).put(b, String(vb + 1));
          });
          writes++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let q = 0; q < 5; q++) {
      const rows = await bridge.rows("SELECT count(*) AS n, sum(CAST(CAST(value AS VARCHAR) AS BIGINT)) AS total FROM holt_scan('accounts', '')");
      expect(rows[0]).toEqual({ n: String(KEYS), total: String(KEYS * EACH) });
    }
    running = false;
    await writer;
    console.log('writes during the queries', writes);
    expect(writes).toBeGreaterThan(0);
    // Every query's snapshot was closed at its end.
    expect(db.stats().snapshots.open).toBe(0);
    await bridge.close();
  });
});
