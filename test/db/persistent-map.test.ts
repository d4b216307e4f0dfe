/**
 * PersistentMap against copies of plain Maps: every version keeps its
 * contents whatever is done to the others (new versions made from old ones,
 * reads of old versions that move the shared Map back and forth).
 */
import { describe, expect, it } from 'vitest';
import { PersistentMap } from '../../src/db/persistent-map.js';
import { Rng } from '../support/rng.mjs';

const sorted = (m: ReadonlyMap<number, number>): [number, number][] => [...m].sort((a, b) => a[0] - b[0]);

describe('PersistentMap', () => {
  it('every version reads as the plain map it models, under random updates and reads of any version', () => {
    const rng = new Rng(7);
    const versions: [PersistentMap<number, number>, Map<number, number>][] = [[new PersistentMap(), new Map()]];
    for (let i = 0; i < 20_000; i++) {
      // Mostly the newest version (the catalog's use), sometimes any older one.
      const [pm, m] = versions[rng.int(4) === 0 ? rng.int(versions.length) : versions.length - 1]!;
      const k = rng.int(50);
      const nm = new Map(m);
      let npm: PersistentMap<number, number>;
      if (rng.int(3) === 0) { npm = pm.delete(k); nm.delete(k); } else { const v = rng.int(1000); npm = pm.set(k, v); nm.set(k, v); }
      versions.push([npm, nm]);
      const [cp, cm] = versions[rng.int(versions.length)]!;
      expect(cp.size).toBe(cm.size);
      expect(sorted(cp)).toEqual(sorted(cm));
      expect(cp.get(k)).toBe(cm.get(k));
      expect(cp.has(k)).toBe(cm.has(k));
    }
  });

  it('deleting an absent key returns the same version; iteration forms agree', () => {
    const a = new PersistentMap<string, number>([['x', 1]]);
    expect(a.delete('nope')).toBe(a);
    const b = a.set('y', 2);
    expect([...b.keys()].sort()).toEqual(['x', 'y']);
    expect([...b.values()].sort()).toEqual([1, 2]);
    const seen: string[] = [];
    b.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen.sort()).toEqual(['x=1', 'y=2']);
    expect([...a]).toEqual([['x', 1]]);
  });
});
