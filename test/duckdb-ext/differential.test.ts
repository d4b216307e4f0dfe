/**
 * Differential: the extension's holt_read must list exactly what the TS
 * engine's read-only DB.open lists, row for row, for random directories:
 * a large tree (many frames, crossings), small trees (shared frames), keys of
 * every byte value up to MAX_KEY_BYTES, deletes, renames, atomic batches,
 * drops and creates, part checkpointed and part only in the WAL; read beside
 * the live writer and again after it closed. The SIGKILL case is in
 * killed-writer.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { MAX_KEY_BYTES } from '../../src/layout/leaf.js';
import { testDir } from '../support/temp-dir.js';
import { Rng } from '../support/rng.mjs';
import { argCombos, extRows, openExt, tsRows, type Ext } from './helpers.js';

/** Writes a random history into `db`; returns sample keys per tree (for the argument combinations). */
function writeHistory(db: DB, seed: number, phase: number): void {
  const r = new Rng(seed * 31 + phase);
  const int = (n: number): number => r.int(n);
  const pathKey = (): Buffer => Buffer.from(`d${int(5)}/s${int(9)}/f-${int(4000)}`);
  const binKey = (): Buffer => {
    const len = r.next() < 0.02 ? MAX_KEY_BYTES - int(3) : 1 + int(24);
    const k = Buffer.alloc(len);
    for (let i = 0; i < len; i++) k[i] = r.next() < 0.2 ? 0x2f : int(256); // '/' often, every byte value
    return k;
  };
  const value = (): Buffer => Buffer.alloc(int(r.next() < 0.1 ? 3000 : 120), int(256));
  const big = db.tree('big');
  const bin = db.tree('bin');
  for (let i = 0; i < 2500; i++) big.put(pathKey(), value());
  for (let i = 0; i < 400; i++) bin.put(binKey(), value());
  for (let s = 0; s < 4; s++) {
    const t = db.tree(`small${s}`);
    for (let i = 0; i < 1 + int(8); i++) t.put(`k${int(20)}/${i}`, value());
  }
  // A rename whose source is gone (or whose destination exists) throws and logs nothing.
  const rename = (t: ReturnType<DB['tree']>, from: Buffer, to: Buffer, overwrite: boolean): void => {
    try { t.rename(from, to, { overwrite }); } catch { /* not logged */ }
  };
  const keysOf = (t: ReturnType<DB['tree']>): Buffer[] => [...t.scan({ keysOnly: true })].map((e) => e.key as Buffer);
  const bigKeys = keysOf(big);
  for (let i = 0; i < 300; i++) big.delete(bigKeys[int(bigKeys.length)]!);
  for (let i = 0; i < 200; i++) {
    const from = bigKeys[int(bigKeys.length)]!;
    rename(big, from, pathKey(), r.next() < 0.5);
  }
  const binKeys = keysOf(bin);
  for (let i = 0; i < 60; i++) bin.delete(binKeys[int(binKeys.length)]!);
  for (let i = 0; i < 20; i++) rename(bin, binKeys[int(binKeys.length)]!, binKey(), true);
  for (let b = 0; b < 10; b++) {
    db.atomic((batch) => {
      for (let i = 0; i < 5; i++) batch.tree('big').put(pathKey(), value());
      batch.tree('big').delete(bigKeys[int(bigKeys.length)]!);
      batch.tree(`small${int(4)}`).put(`k${int(20)}/batch`, value());
    });
  }
  if (phase === 1) {
    db.dropTree('small3');
    db.createTree('small3');
    db.tree('small3').put('after-drop', 'x');
    db.createTree('fresh').put('only/in/wal', 'y');
  }
}

const TREES = ['big', 'bin', 'small0', 'small1', 'small2', 'small3'];

async function compareAll(ext: Ext, dir: string, trees: readonly string[]): Promise<number> {
  const reader = await DB.open(dir, { readOnly: true });
  let compared = 0;
  try {
    const names = reader.listTrees().map((t) => t.name).sort();
    const listed = (await ext.connection.runAndReadAll(`SELECT name, keys FROM holt_read_trees('${dir}') ORDER BY name`)).getRows();
    expect(listed.map((r) => r[0])).toEqual(names);
    expect(listed.map((r) => Number(r[1]))).toEqual(names.map((n) => reader.openTree(n).count()));
    for (const tree of trees) {
      if (!names.includes(tree)) continue;
      const sample = [...reader.openTree(tree).scan({ keysOnly: true })].filter((_, i) => i % 97 === 3).map((e) => e.key as Buffer);
      for (const args of argCombos(sample)) {
        const want = tsRows(reader, tree, args);
        const got = await extRows(ext, dir, tree, args);
        expect(got, `${tree} ${JSON.stringify(args)}`).toEqual(want);
        compared += want.length;
      }
    }
  } finally {
    await reader.close();
  }
  return compared;
}

describe('holt_read against the TS engine', () => {
  let ext: Ext;
  beforeAll(async () => { ext = await openExt(); });
  afterAll(() => ext.close());

  for (const seed of [1]) {
    it(`random directory ${seed}: checkpoint plus WAL, beside the live writer and after close`, async () => {
      const dir = testDir('duckext');
      const db = await DB.open(dir);
      for (const t of TREES) db.createTree(t);
      writeHistory(db, seed, 0);
      await db.checkpoint();
      writeHistory(db, seed, 1);
      await db.sync();
      const live = await compareAll(ext, dir, [...TREES, 'fresh']);
      expect(live).toBeGreaterThan(1000);
      await db.close();
      await compareAll(ext, dir, [...TREES, 'fresh']);
    }, 120_000);
  }
});
