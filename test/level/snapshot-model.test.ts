/**
 * Snapshots against a model: random interleavings of writes (put, del, batch, clear),
 * iterator steps, seeks and explicit-snapshot reads. Every iterator must return exactly
 * the entries its snapshot held in its range, in order, however the tree changed while it
 * was open; afterwards no snapshot may be left registered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { HoltLevel } from '../../src/level/index.js';
import { registryFor } from '../../src/level/snapshot-registry.js';

// Short keys that exercise byte order: the empty key, a key and its extensions, a NUL, a 2-byte UTF-8 char.
const KEYS = ['', 'a', 'a\u0000', 'ab', 'b', 'ba', 'c', 'é'];
const key = fc.constantFrom(...KEYS);
const value = fc.integer({ min: 0, max: 9 }).map((n) => `v${n}`);
const range = fc.record(
  { gt: key, gte: key, lt: key, lte: key },
  { requiredKeys: [] },
);
type Range = { gt?: string; gte?: string; lt?: string; lte?: string };
type Mode = 'iterator' | 'keys' | 'values';

const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), key }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      ops: fc.array(fc.record({ type: fc.constantFrom('put' as const, 'del' as const), key, value }), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), range }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      range,
      reverse: fc.boolean(),
      mode: fc.constantFrom<Mode>('iterator', 'keys', 'values'),
      snapshot: fc.option(fc.nat(), { nil: undefined }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('step' as const), it: fc.nat(), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('seek' as const), it: fc.nat(), target: key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('snapshotGet' as const), snapshot: fc.nat(), key }) },
);

const bytes = (k: string) => Buffer.from(k, 'utf8');
const compare = (a: string, b: string) => Buffer.compare(bytes(a), bytes(b));

function inRange(k: string, r: Range): boolean {
  if (r.gte !== undefined ? compare(k, r.gte) < 0 : r.gt !== undefined && compare(k, r.gt) <= 0) return false;
  if (r.lte !== undefined ? compare(k, r.lte) > 0 : r.lt !== undefined && compare(k, r.lt) >= 0) return false;
  return true;
}

function entriesOf(model: Map<string, string>, r: Range, reverse: boolean): [string, string][] {
  const out = [...model].filter(([k]) => inRange(k, r)).sort((a, b) => compare(a[0], b[0]));
  return reverse ? out.reverse() : out;
}

interface ModelIterator {
  it: { nextv(n: number): Promise<unknown[]>; seek(target: string): void; close(): Promise<void> };
  mode: Mode;
  reverse: boolean;
  entries: [string, string][];
  pos: number;
}

const shape = (mode: Mode, [k, v]: [string, string]): unknown => (mode === 'iterator' ? [k, v] : mode === 'keys' ? k : v);

describe('HoltLevel snapshots against a model', () => {
  it('iterators and explicit snapshots see exactly their snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 60, size: 'max' }), async (ops) => {
        const level = new HoltLevel(DB.memory());
        await level.open();
        const model = new Map<string, string>();
        const iterators: ModelIterator[] = [];
        const snapshots: { snapshot: ReturnType<typeof level.snapshot>; model: Map<string, string> }[] = [];
        for (const o of ops) {
          switch (o.kind) {
            case 'put':
              await level.put(o.key, o.value);
              model.set(o.key, o.value);
              break;
            case 'del':
              await level.del(o.key);
              model.delete(o.key);
              break;
            case 'batch':
              await level.batch(o.ops.map((b) => (b.type === 'put' ? b : { type: 'del' as const, key: b.key })));
              for (const b of o.ops) {
                if (b.type === 'put') model.set(b.key, b.value);
                else model.delete(b.key);
              }
              break;
            case 'clear':
              await level.clear(o.range);
              for (const k of [...model.keys()]) if (inRange(k, o.range)) model.delete(k);
              break;
            case 'open': {
              const snap = o.snapshot === undefined || snapshots.length === 0 ? undefined : snapshots[o.snapshot % snapshots.length]!;
              const options = { ...o.range, reverse: o.reverse, ...(snap ? { snapshot: snap.snapshot } : {}) };
              const it = o.mode === 'iterator' ? level.iterator(options) : o.mode === 'keys' ? level.keys(options) : level.values(options);
              iterators.push({ it, mode: o.mode, reverse: o.reverse, entries: entriesOf(snap?.model ?? model, o.range, o.reverse), pos: 0 });
              break;
            }
            case 'step': {
              if (iterators.length === 0) break;
              const m = iterators[o.it % iterators.length]!;
              const expected = m.entries.slice(m.pos, m.pos + o.n).map((e) => shape(m.mode, e));
              m.pos += expected.length;
              expect(await m.it.nextv(o.n)).toEqual(expected);
              break;
            }
            case 'seek': {
              if (iterators.length === 0) break;
              const m = iterators[o.it % iterators.length]!;
              m.it.seek(o.target);
              const at = m.entries.findIndex(([k]) => (m.reverse ? compare(k, o.target) <= 0 : compare(k, o.target) >= 0));
              m.pos = at < 0 ? m.entries.length : at;
              break;
            }
            case 'snapshot':
              snapshots.push({ snapshot: level.snapshot(), model: new Map(model) });
              break;
            case 'snapshotGet': {
              if (snapshots.length === 0) break;
              const s = snapshots[o.snapshot % snapshots.length]!;
              expect(await level.get(o.key, { snapshot: s.snapshot })).toBe(s.model.get(o.key));
              expect(level.getSync(o.key, { snapshot: s.snapshot })).toBe(s.model.get(o.key));
              expect(await level.has(o.key, { snapshot: s.snapshot })).toBe(s.model.has(o.key));
              break;
            }
          }
        }
        expect(await level.iterator().all()).toEqual(entriesOf(model, {}, false));
        expect(await level.getMany(KEYS)).toEqual(KEYS.map((k) => model.get(k)));
        const registry = registryFor(level.tree);
        await Promise.all([...iterators.map((m) => m.it.close()), ...snapshots.map((s) => s.snapshot.close())]);
        expect(registry.openCount).toBe(0);
        await level.close();
      }),
      { numRuns: 300 },
    );
  });
});
