/**
 * Scans hand their stack, path and resume key to the next scan when they
 * finish, reuse one parsed spec, and share the encoded copy of a string bound
 * (issue 26: a listing allocates what it returns). What a user could see go
 * wrong from that: a finished scan's parts reused while another scan still
 * runs, a bound that changes under a scan, a stale cached bound.
 */
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';

function fill(t: Tree, dirs: number, files: number): void {
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < files; f++) t.put(`d${String(d).padStart(3, '0')}/f${String(f).padStart(3, '0')}`, `${d}.${f}`);
  }
}

const keysOf = (entries: Iterable<{ key: Buffer | string }>): string[] => [...entries].map((e) => e.key.toString());

describe('scan parts reused between scans', () => {
  it('interleaved scans each see their own listing while others start and finish', () => {
    const db = DB.memory();
    const t = db.tree('t');
    fill(t, 4, 50);
    const a = t.scan({ prefix: 'd001/' });
    const first = a.next();
    expect(first.value?.key.toString()).toBe('d001/f000');
    // Scans that start and finish while `a` is open take and give back the spare parts.
    for (let i = 0; i < 5; i++) expect(t.scan({ prefix: 'd002/', limit: 3 }).toArray().length).toBe(3);
    const b = t.scan({ prefix: 'd003/', reverse: true, keyEncoding: 'utf8' });
    expect(b.next().value?.key).toBe('d003/f049');
    t.scanEach({ prefix: 'd000/', delimiter: '/' }, () => undefined);
    const restA = keysOf(a);
    expect(restA.length).toBe(49);
    expect(restA[0]).toBe('d001/f001');
    expect(restA[48]).toBe('d001/f049');
    const restB = keysOf(b);
    expect(restB.length).toBe(49);
    expect(restB[48]).toBe('d003/f000');
  });

  it('a finished iterator stays finished after its parts serve another scan', () => {
    const db = DB.memory();
    const t = db.tree('t');
    fill(t, 2, 10);
    const a = t.scan({ prefix: 'd000/', limit: 2 });
    expect(keysOf(a)).toEqual(['d000/f000', 'd000/f001']);
    const b = t.scan({ prefix: 'd001/' });
    expect(b.next().value?.key.toString()).toBe('d001/f000');
    expect(a.next().done).toBe(true);
    expect(a.return().done).toBe(true);
    expect(keysOf(b).length).toBe(9);
  });

  it('a scan nested in a scanEach visitor, and one after a visitor throws', () => {
    const db = DB.memory();
    const t = db.tree('t');
    fill(t, 3, 5);
    const seen: string[] = [];
    t.scanEach({ prefix: 'd', delimiter: '/', keyEncoding: 'utf8' }, (e) => {
      seen.push(`${e.key}:${t.scan({ prefix: e.key as string }).toArray().length}`);
    });
    expect(seen).toEqual(['d000/:5', 'd001/:5', 'd002/:5']);
    expect(() => t.scanEach({ prefix: 'd001/' }, () => { throw new Error('visitor'); })).toThrow('visitor');
    expect(keysOf(t.scan({ prefix: 'd001/' }))).toEqual(['d001/f000', 'd001/f001', 'd001/f002', 'd001/f003', 'd001/f004']);
  });

  it('a scan keeps the bounds it was given while the caller changes its own bytes', () => {
    const db = DB.memory();
    const t = db.tree('t');
    fill(t, 3, 4);
    const prefix = Buffer.from('d001/');
    const it1 = t.scan({ prefix });
    prefix.write('d002/');
    expect(keysOf(it1)).toEqual(['d001/f000', 'd001/f001', 'd001/f002', 'd001/f003']);
    expect(keysOf(t.scan({ prefix }))).toEqual(['d002/f000', 'd002/f001', 'd002/f002', 'd002/f003']);
  });

  it('string bounds stay right past the remembered few (more prefixes than are kept, each asked twice)', () => {
    const db = DB.memory();
    const t = db.tree('t');
    fill(t, 300, 2);
    for (let round = 0; round < 2; round++) {
      for (let d = 0; d < 300; d++) {
        const p = `d${String(d).padStart(3, '0')}/`;
        expect(keysOf(t.scan({ prefix: p, keyEncoding: 'utf8' }))).toEqual([`${p}f000`, `${p}f001`]);
        expect(keysOf(t.scan({ startAfter: `${p}f000`, end: `${p}f001` }))).toEqual([]);
      }
    }
    // A non-ASCII string bound, and the same bytes given as a Buffer.
    t.put('é/x', '1');
    expect(keysOf(t.scan({ prefix: 'é/', keyEncoding: 'utf8' }))).toEqual(['é/x']);
    expect(keysOf(t.scan({ prefix: Buffer.from('é/') }))).toEqual(['é/x']);
  });
});
