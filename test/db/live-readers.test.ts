/**
 * Readers beside a live writer, in one process (each DB object is its own
 * reader or writer, exactly as in separate processes: the locks are per open
 * file): a read-only DB opens while a writer holds the directory, sees the
 * state as of its open until refresh(), keeps reading its own manifest's
 * frames while the writer checkpoints over them, and stops pinning space when
 * it closes. Separate processes, with SIGKILL: live-readers-processes.test.ts.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';
import { writerIsLive } from '../../src/db/writer-presence.js';
import { thrown } from '../support/thrown.js';

const dirs: (() => void)[] = [];
afterAll(() => { for (const c of dirs) c(); });
function fresh(): string {
  const t = tempDir('readers');
  dirs.push(t.cleanup);
  return t.dir;
}

const val = (i: number, gen: number): string => `v${gen}-${i}-${'p'.repeat(200 + (i % 300))}`;

describe('readers beside a live writer', () => {
  it('a reader opens while the writer holds the directory and sees the writer\'s synced writes after refresh()', async () => {
    const dir = fresh();
    const w = DB.open(dir);
    const wt = w.tree('t');
    wt.put('a', '1');
    await w.sync();
    const r = DB.open(dir, { readOnly: true });
    const rt = r.openTree('t');
    expect(rt.get('a')?.toString()).toBe('1');
    wt.put('b', '2');
    wt.delete('a');
    await w.sync();
    // Until refresh, the reader's state does not move.
    expect(rt.get('a')?.toString()).toBe('1');
    expect(rt.get('b')).toBeUndefined();
    r.refresh();
    expect(rt.get('a')).toBeUndefined();
    expect(rt.get('b')?.toString()).toBe('2');
    // A tree the writer creates shows up after refresh too.
    w.tree('new').put('x', 'y');
    await w.checkpoint();
    r.refresh();
    expect(r.openTree('new').get('x')?.toString()).toBe('y');
    expect(r.stats().durable!.readers.generation).toBeGreaterThan(0);
    await r.close();
    await w.close();
  });

  it('a reader keeps reading its own state while the writer rewrites everything and checkpoints', async () => {
    const dir = fresh();
    const N = 4000;
    const w = DB.open(dir, { checkpoint: false });
    const wt = w.tree('t');
    for (let i = 0; i < N; i++) wt.put(`k/${i}`, val(i, 0));
    await w.checkpoint();
    const r = DB.open(dir, { readOnly: true, cacheMB: 1 }); // small cache: the reader reads its slots from disk
    const rt = r.openTree('t');
    const sizeBefore = statSync(join(dir, 'data.holt')).size;
    for (let gen = 1; gen <= 3; gen++) {
      for (let i = 0; i < N; i++) wt.put(`k/${i}`, val(i, gen));
      await w.checkpoint();
    }
    // The writer kept every slot the reader's manifest names.
    expect(w.stats().durable!.readers.retainedSlots).toBeGreaterThan(0);
    for (let i = 0; i < N; i += 7) expect(rt.get(`k/${i}`)?.toString(), `key ${i}`).toBe(val(i, 0));
    let n = 0;
    for (const e of rt.scan({ prefix: 'k/' })) {
      expect(e.kind === 'key' && e.value!.toString().startsWith('v0-')).toBe(true);
      n++;
    }
    expect(n).toBe(N);
    expect(statSync(join(dir, 'data.holt')).size).toBeGreaterThan(sizeBefore);
    r.refresh();
    for (let i = 0; i < N; i += 7) expect(rt.get(`k/${i}`)?.toString()).toBe(val(i, 3));
    await r.close();
    // With the reader gone, the next checkpoint frees the retained slots for reuse.
    wt.put('k/0', val(0, 4));
    await w.checkpoint();
    expect(w.stats().durable!.readers.retainedSlots).toBe(0);
    const size = statSync(join(dir, 'data.holt')).size;
    for (let gen = 5; gen <= 7; gen++) {
      for (let i = 0; i < N; i++) wt.put(`k/${i}`, val(i, gen));
      await w.checkpoint();
    }
    expect(statSync(join(dir, 'data.holt')).size, 'slots are reused once no reader needs them').toBe(size);
    await w.close();
  });

  it('a scan begun before refresh() on a tree it changed ends with CLOSED, on others reads on; dropped trees throw TREE_DROPPED', async () => {
    const dir = fresh();
    const w = DB.open(dir);
    for (let i = 0; i < 100; i++) w.tree('t').put(`k${i}`, 'v');
    for (let i = 0; i < 100; i++) w.tree('still').put(`k${i}`, 'v');
    w.tree('gone').put('x', 'y');
    await w.sync();
    const r = DB.open(dir, { readOnly: true });
    const it = r.openTree('t').scan();
    expect(it.next().done).toBe(false);
    const quiet = r.openTree('still').scan();
    expect(quiet.next().done).toBe(false);
    const gone = r.openTree('gone');
    w.dropTree('gone');
    w.tree('t').put('k100', 'v');
    await w.sync();
    r.refresh();
    expect(r.stats().durable!.readers.catchUps).toBe(1);
    expect(() => it.next()).toThrowError(expect.objectContaining({ code: 'CLOSED' }) as Error);
    expect([...quiet].length).toBe(99); // the rest of the scan, unchanged
    expect(() => gone.get('x')).toThrowError(expect.objectContaining({ code: 'TREE_DROPPED' }) as Error);
    expect([...r.openTree('t').scan()].length).toBe(101);
    await r.close();
    await w.close();
  });

  it('a second writer is still LOCKED; readers register and unregister their claims', async () => {
    const dir = fresh();
    const w = DB.open(dir);
    w.tree('t').put('a', 'b');
    await w.sync();
    expect(() => DB.open(dir)).toThrowError(expect.objectContaining({ code: 'LOCKED' }) as Error);
    expect(writerIsLive(dir)).toBe(true); // readers read the WAL tail leniently only then
    const readers = [DB.open(dir, { readOnly: true }), DB.open(dir, { readOnly: true })];
    expect(readdirSync(join(dir, 'readers')).filter((n) => n.startsWith('r-')).length).toBe(2);
    for (const r of readers) await r.close();
    expect(readdirSync(join(dir, 'readers')).filter((n) => n.startsWith('r-')).length).toBe(0);
    await w.close();
    expect(writerIsLive(dir)).toBe(false);
  });

  it('a log that does not start at the manifest\'s segment is never replayed over it (reader: retried, then CORRUPT; writer: CORRUPT)', async () => {
    const dir = fresh();
    const w = DB.open(dir, { checkpoint: false });
    w.tree('t').put('a', '1');
    await w.checkpoint();
    w.tree('t').put('a', '2'); // in the manifest's segment
    await w.sync();
    w.durable!.abandon();
    // What a reader would see if it read the manifest, then the writer checkpointed and
    // deleted that segment: a later segment without the one the manifest starts at.
    const { readdirSync: ls, renameSync } = await import('node:fs');
    const seg = ls(dir).filter((n) => n.startsWith('wal-')).sort().pop()!;
    const next = `wal-${String(Number(seg.slice(4, 10)) + 1).padStart(6, '0')}.log`;
    renameSync(join(dir, seg), join(dir, next));
    const e1 = thrown(() => DB.open(dir, { readOnly: true }));
    expect(e1?.code).toBe('CORRUPT');
    expect(e1?.file).toBe(join(dir, seg));
    const e2 = thrown(() => DB.open(dir));
    expect(e2?.code).toBe('CORRUPT');
  });
});
