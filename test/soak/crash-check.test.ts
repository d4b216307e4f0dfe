/**
 * The crash check itself, on a memory DB: it must pass what a crash may leave
 * and flag exactly what it may not (lost acks, older values, values nobody
 * wrote, half-applied cross-tree batches, keys nobody wrote).
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import type { ParsedAckLog } from '../../src/soak/ack-log.js';
import { checkAfterCrash, type KeyState } from '../../src/soak/crash-check.js';
import { keyFor, valueFor } from '../../src/soak/keys.js';
import { Tally } from '../../src/soak/report.js';

function log(acked: number, intents: [number, 'P' | 'D', number][]): ParsedAckLog {
  return { acked, checkpoints: 0, tornBytes: 0, intents: intents.map(([rev, kind, i]) => ({ rev, kind, i })) };
}

function put(db: DB, tree: string, i: number, rev: number): void {
  db.tree(tree).put(keyFor(i), valueFor(tree, i, rev));
}

describe('checkAfterCrash', () => {
  it('passes acked values and later unacknowledged ones, and moves the base forward', () => {
    const db = DB.memory();
    put(db, 'objects', 1, 10);
    put(db, 'objects', 2, 13);
    const base = new Map<number, KeyState>([[3, 5]]);
    const tally = new Tally('crash', 1);
    const r = checkAfterCrash(db, ['objects'], base, log(11, [[10, 'P', 1], [11, 'D', 3], [12, 'P', 2], [13, 'P', 2]]), tally, 1);
    expect(tally.ok).toBe(true);
    expect(r).toMatchObject({ acked: 2, unackedSurvivors: 1 });
    expect([...base]).toEqual([[1, 10], [2, 13]]);
  });

  it('flags an acknowledged put that is missing or older as lost', () => {
    const db = DB.memory();
    put(db, 'objects', 1, 9);
    const tally = new Tally('crash', 1);
    checkAfterCrash(db, ['objects'], new Map([[1, 9]]), log(20, [[10, 'P', 1], [11, 'P', 2]]), tally, 1);
    expect(tally.lost).toBe(2);
    expect(tally.first?.key).toBe(keyFor(1));
  });

  it('flags a resurrected delete, a value nobody wrote and an unknown key as wrong', () => {
    const db = DB.memory();
    put(db, 'objects', 1, 4);
    db.tree('objects').put(keyFor(2), 'garbage');
    db.tree('objects').put('stray', 'x');
    const tally = new Tally('crash', 1);
    checkAfterCrash(db, ['objects'], new Map([[1, 4], [2, 3]]), log(5, [[5, 'D', 1]]), tally, 1);
    expect(tally.wrong).toBeGreaterThanOrEqual(3);
    expect(tally.lost).toBe(0);
  });

  it('flags a cross-tree batch that is present in one tree only', () => {
    const db = DB.memory();
    put(db, 'objects', 1, 7);
    db.tree('inodes');
    const tally = new Tally('db-crash', 1);
    checkAfterCrash(db, ['objects', 'inodes'], new Map(), log(0, [[7, 'P', 1]]), tally, 1);
    expect(tally.ok).toBe(false);
    expect(tally.first?.expected).toContain('same state in every tree');
  });
});
