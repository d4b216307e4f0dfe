/**
 * One writer per directory (LOCKED for a second one, in this process or
 * another), readers beside it (they never take the writer's lock), and
 * read-only opens that see the replayed WAL without changing a single byte
 * of the database's files.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { rejected, thrown } from '../support/thrown.js';
import { dump, hashDir } from './helpers.js';
import { tempDir } from '../support/temp-dir.js';

const DIST = new URL('../../dist/index.js', import.meta.url).href;

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
function dir(): string {
  const t = tempDir('lock');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Opens `d` in a child process; prints the error code or OK. */
function openInChild(d: string, readOnly: boolean): string {
  const src = `
    const { DB } = await import(${JSON.stringify(DIST)});
    try { const db = DB.open(${JSON.stringify(d)}, { readOnly: ${readOnly}, checkpoint: false });
      console.log('OK ' + JSON.stringify(db.tree ? db.listTrees().map(t => t.keys) : []));
      await db.close();
    } catch (e) { console.log(e.code ?? e.message); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe('locking', () => {
  it('a second writer in the same process gets LOCKED, and can open after close', async () => {
    const d = dir();
    const db = DB.open(d, { checkpoint: false });
    db.tree('t').put('a', '1');
    const e = thrown(() => DB.open(d));
    expect(e.code).toBe('LOCKED');
    // A reader is no writer: it opens beside this one.
    const reader = DB.open(d, { readOnly: true });
    await reader.close();
    await db.close();
    const again = DB.open(d, { checkpoint: false });
    expect(again.tree('t').get('a')?.toString()).toBe('1');
    await again.close();
  });

  it('a writer in a child process gets LOCKED while this process holds the DB', async () => {
    const d = dir();
    const db = DB.open(d, { checkpoint: false });
    db.tree('t').put('a', '1');
    await db.sync();
    expect(openInChild(d, false)).toBe('LOCKED');
    expect(openInChild(d, true)).toBe('OK [1]'); // a reader process beside the writer
    await db.close();
    // Released: the child opens read-only and sees the content.
    expect(openInChild(d, true)).toBe('OK [1]');
    expect(openInChild(d, false)).toBe('OK [1]');
  });

  it('readers share: two read-only opens at once, and a writer opens beside them', async () => {
    const d = dir();
    const w = DB.open(d, { checkpoint: false });
    w.tree('t').put('a', '1');
    await w.close();
    const r1 = DB.open(d, { readOnly: true });
    const r2 = DB.open(d, { readOnly: true });
    const w2 = DB.open(d);
    w2.tree('t').put('a', '2');
    await w2.checkpoint();
    expect(r1.openTree('t').get('a')?.toString()).toBe('1');
    expect(r2.openTree('t').get('a')?.toString()).toBe('1');
    r2.refresh();
    expect(r2.openTree('t').get('a')?.toString()).toBe('2');
    await r1.close();
    await r2.close();
    await w2.close();
  });
});

describe('read-only', () => {
  it('sees the replayed WAL, modifies no file, rejects every mutation with READ_ONLY', async () => {
    const d = dir();
    const w = DB.open(d, { checkpoint: false });
    const t = w.tree('objects');
    for (let i = 0; i < 500; i++) t.put(`k${i}`, `v${i}`);
    await w.checkpoint();
    // After the checkpoint: more writes that live only in the WAL.
    for (let i = 0; i < 300; i++) t.put(`w${i}`, `x${i}`);
    t.delete('k1');
    t.rename('k2', 'k2-renamed');
    w.tree('other').put('o', '1');
    await w.sync();
    const expected = dump(w);
    w.durable!.abandon(); // leave the WAL unreplayed on disk, like a crash

    const before = hashDir(d);
    const ro = DB.open(d, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(dump(ro)).toEqual(expected);
    const objects = ro.openTree('objects');
    expect(thrown(() => objects.put('x', 'y')).code).toBe('READ_ONLY');
    expect(thrown(() => objects.delete('k3')).code).toBe('READ_ONLY');
    expect(thrown(() => objects.rename('k3', 'k4')).code).toBe('READ_ONLY');
    expect(thrown(() => ro.atomic((b) => { b.tree('objects').put('x', 'y'); })).code).toBe('READ_ONLY');
    expect(thrown(() => objects.atomic((b) => { b.put('x', 'y'); })).code).toBe('READ_ONLY');
    expect(thrown(() => ro.createTree('new')).code).toBe('READ_ONLY');
    expect(thrown(() => ro.tree('new')).code).toBe('READ_ONLY');
    expect(thrown(() => ro.dropTree('other')).code).toBe('READ_ONLY');
    await ro.sync();
    await ro.checkpoint();
    expect(dump(ro)).toEqual(expected);
    await ro.close();
    expect(hashDir(d)).toEqual(before);
  });

  it('with a torn WAL tail, read-only recovers in memory and leaves the tail on disk', async () => {
    const d = dir();
    const w = DB.open(d, { checkpoint: false });
    for (let i = 0; i < 50; i++) w.tree('t').put(`k${i}`, 'v');
    await w.sync();
    const expected = dump(w);
    w.durable!.abandon();
    const { openSync, writeSync, closeSync, readdirSync } = await import('node:fs');
    const { replayWal } = await import('../../src/wal/replay.js');
    const { loadIo } = await import('../../src/io/index.js');
    const seg = readdirSync(d).filter((n) => n.startsWith('wal-')).sort().pop()!;
    // Half a record header right where the log ends (over the writer's preallocated zeros).
    const end = replayWal({ io: loadIo(), path: `${d}/${seg}` }).endOffset;
    const fd = openSync(`${d}/${seg}`, 'r+');
    writeSync(fd, Buffer.from([0x48, 0x52, 0x45, 0x43, 0x10]), 0, 5, end);
    closeSync(fd);
    const before = hashDir(d);
    const ro = DB.open(d, { readOnly: true });
    expect(dump(ro)).toEqual(expected);
    await ro.close();
    expect(hashDir(d)).toEqual(before);
  });

  it('read-only on a missing directory is NOT_FOUND and creates nothing', async () => {
    const d = `${dir()}/nope`;
    expect(thrown(() => DB.open(d, { readOnly: true })).code).toBe('NOT_FOUND');
    const { existsSync } = await import('node:fs');
    expect(existsSync(d)).toBe(false);
  });

  it('operations on a closed DB are CLOSED', async () => {
    const d = dir();
    const db = DB.open(d);
    const t = db.tree('t');
    await db.close();
    expect(thrown(() => db.tree('t')).code).toBe('CLOSED');
    expect(thrown(() => t.get('a')).code).toBe('CLOSED');
    expect((await rejected(db.sync())).code).toBe('CLOSED');
  });
});
