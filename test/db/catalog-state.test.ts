import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HoltError } from '../../src/errors.js';
import {
  type CatalogOp,
  type CatalogState,
  applyCatalogOp,
  applyCatalogOpOrThrow,
  assertCatalogInvariants,
  catalogEntries,
  checkCatalogInvariants,
  compareTreeNames,
  emptyCatalog,
  treeHandleError,
  treeNameError,
} from '../../src/db/catalog-state.js';
import {
  CATALOG_TREE_ID,
  MAX_TREE_ID,
  allocateTreeId,
  isUserTreeId,
  successorTreeId,
} from '../../src/db/tree-ids.js';

// ---------------------------------------------------------------------------
// Reference model: a flat list of every tree ever created, scanned linearly.
// Written independently of the maps in catalog-state.ts on purpose.
// ---------------------------------------------------------------------------

interface ModelTree {
  readonly name: string;
  readonly id: number;
  readonly status: 'live' | 'dropped' | 'gone';
  readonly reclaimable: boolean;
}

interface Model {
  readonly trees: readonly ModelTree[];
  readonly next: number;
}

type Expected = { ok: true; model: Model; result: unknown } | { ok: false; code: string };

function modelStart(next = 1): Model {
  return { trees: [], next };
}

function validModelName(name: string): boolean {
  return name !== '' && !name.includes('\0') && new TextEncoder().encode(name).length <= 255 && !/\p{Cs}/u.test(name);
}

function modelApply(m: Model, op: CatalogOp): Expected {
  const liveTree = (name: string) => m.trees.find((t) => t.name === name && t.status === 'live');
  switch (op.kind) {
    case 'create': {
      if (!validModelName(op.name)) return { ok: false, code: 'INVALID_ARGUMENT' };
      if (liveTree(op.name)) return { ok: false, code: 'TREE_EXISTS' };
      const id = m.next;
      let next = id + 1;
      if (next === CATALOG_TREE_ID) next += 1;
      return {
        ok: true,
        model: { trees: [...m.trees, { name: op.name, id, status: 'live', reclaimable: false }], next },
        result: { id },
      };
    }
    case 'drop': {
      if (!validModelName(op.name)) return { ok: false, code: 'INVALID_ARGUMENT' };
      const t = liveTree(op.name);
      if (!t) return { ok: false, code: 'TREE_NOT_FOUND' };
      return {
        ok: true,
        model: { ...m, trees: m.trees.map((x) => (x === t ? { ...x, status: 'dropped' as const } : x)) },
        result: { id: t.id },
      };
    }
    case 'open': {
      if (!validModelName(op.name)) return { ok: false, code: 'INVALID_ARGUMENT' };
      const t = liveTree(op.name);
      return t ? { ok: true, model: m, result: { id: t.id } } : { ok: false, code: 'TREE_NOT_FOUND' };
    }
    case 'list':
      return { ok: true, model: m, result: { names: modelList(m) } };
    case 'checkpoint': {
      const dropped = m.trees.filter((t) => t.status === 'dropped');
      return {
        ok: true,
        model: { ...m, trees: m.trees.map((t) => (t.status === 'dropped' ? { ...t, reclaimable: true } : t)) },
        result: { reclaimable: dropped.map((t) => t.id).sort((a, b) => a - b) },
      };
    }
    case 'finalize': {
      const t = m.trees.find((x) => x.id === op.id && x.status === 'dropped');
      if (!t) return { ok: false, code: 'TREE_NOT_FOUND' };
      if (!t.reclaimable) return { ok: false, code: 'INVALID_ARGUMENT' };
      return {
        ok: true,
        model: { ...m, trees: m.trees.map((x) => (x === t ? { ...x, status: 'gone' as const } : x)) },
        result: { name: t.name },
      };
    }
  }
}

function modelList(m: Model): string[] {
  return m.trees
    .filter((t) => t.status === 'live')
    .map((t) => t.name)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Throws (with a readable message) unless `state` says exactly what `m` says. */
function assertMatchesModel(state: CatalogState, m: Model, trace: () => string): void {
  const fail = (what: string) => {
    throw new Error(`${what}\n  after: ${trace()}`);
  };
  const problems = checkCatalogInvariants(state);
  if (problems.length > 0) fail(`invariants: ${problems.join('; ')}`);
  if (state.nextId !== m.next) fail(`nextId ${state.nextId} != model ${m.next}`);
  const live = m.trees.filter((t) => t.status === 'live');
  const dropped = m.trees.filter((t) => t.status === 'dropped');
  if (state.live.size !== live.length) fail(`live size ${state.live.size} != model ${live.length}`);
  for (const t of live) if (state.live.get(t.name) !== t.id) fail(`live ${t.name} should be id ${t.id}`);
  if (state.dropped.size !== dropped.length) fail(`dropped size ${state.dropped.size} != model ${dropped.length}`);
  for (const t of dropped) {
    const d = state.dropped.get(t.id);
    if (!d || d.name !== t.name || d.reclaimable !== t.reclaimable) fail(`dropped ${t.id} should be ${JSON.stringify(t)}`);
  }
  // Queries: list, open and handle fencing agree with the model.
  const listed = applyCatalogOp(state, { kind: 'list' });
  if (!listed.ok || JSON.stringify(listed.result.names) !== JSON.stringify(modelList(m))) fail('list disagrees');
  for (const t of m.trees) {
    const fenced = treeHandleError(state, t.id);
    if ((t.status === 'live') !== (fenced === undefined)) fail(`handle of id ${t.id} fencing wrong`);
    if (fenced !== undefined && fenced.code !== 'TREE_DROPPED') fail(`handle of id ${t.id} fenced with ${fenced.code}`);
  }
}

function describeOp(op: CatalogOp): string {
  return 'name' in op ? `${op.kind}(${op.name})` : 'id' in op ? `${op.kind}(${op.id})` : op.kind;
}

/**
 * Applies `op` to both sides and checks they agree; returns the new pair. The old
 * state must be unchanged afterwards (purity).
 */
function stepBoth(
  state: CatalogState,
  m: Model,
  op: CatalogOp,
  trace: () => string,
): { state: CatalogState; model: Model } {
  const step = applyCatalogOp(state, op);
  const expected = modelApply(m, op);
  if (step.ok !== expected.ok) {
    throw new Error(`${describeOp(op)}: ok=${step.ok}, model ok=${expected.ok}\n  after: ${trace()}`);
  }
  if (!step.ok) {
    const wanted = (expected as { code: string }).code;
    if (!(step.error instanceof HoltError) || step.error.code !== wanted) {
      throw new Error(`${describeOp(op)}: code ${step.error.code}, model ${wanted}\n  after: ${trace()}`);
    }
    return { state, model: m };
  }
  if (!expected.ok) throw new Error('unreachable');
  if (JSON.stringify(step.result) !== JSON.stringify(expected.result)) {
    throw new Error(`${describeOp(op)}: result ${JSON.stringify(step.result)}, model ${JSON.stringify(expected.result)}\n  after: ${trace()}`);
  }
  return { state: step.state, model: expected.model };
}

/** The "checkpoint-like" op of the brief: a checkpoint, then finalize every reclaimable tree. */
function finalizeAll(state: CatalogState, m: Model, trace: () => string): { state: CatalogState; model: Model } {
  let pair = stepBoth(state, m, { kind: 'checkpoint' }, trace);
  for (const id of [...pair.state.dropped.keys()]) pair = stepBoth(pair.state, pair.model, { kind: 'finalize', id }, trace);
  return pair;
}

type Move = { op: CatalogOp } | { finalizeAll: true };

function movesFor(m: Model, names: readonly string[], firstId: number): Move[] {
  const moves: Move[] = [];
  for (const name of names) {
    moves.push({ op: { kind: 'create', name } }, { op: { kind: 'drop', name } }, { op: { kind: 'open', name } });
  }
  moves.push({ op: { kind: 'list' } }, { op: { kind: 'checkpoint' } });
  // finalize(any known id) plus one id never handed out.
  for (let id = firstId; id <= m.next; id = successorTreeId(id)) moves.push({ op: { kind: 'finalize', id } });
  moves.push({ finalizeAll: true });
  return moves;
}

function exhaustive(depth: number, names: readonly string[], startNextId: number): number {
  let steps = 0;
  const path: string[] = [];
  const trace = () => path.join(' → ') || '(start)';
  const visit = (state: CatalogState, m: Model, left: number): void => {
    if (left === 0) return;
    for (const move of movesFor(m, names, startNextId)) {
      const before = JSON.stringify(catalogEntries(state)) + state.nextId;
      path.push('op' in move ? describeOp(move.op) : 'finalizeAll');
      const pair = 'op' in move ? stepBoth(state, m, move.op, trace) : finalizeAll(state, m, trace);
      steps++;
      assertMatchesModel(pair.state, pair.model, trace);
      if (JSON.stringify(catalogEntries(state)) + state.nextId !== before) throw new Error(`input mutated: ${trace()}`);
      visit(pair.state, pair.model, left - 1);
      path.pop();
    }
  };
  const start: CatalogState = { ...emptyCatalog(), nextId: startNextId };
  assertMatchesModel(start, modelStart(startNextId), trace);
  visit(start, modelStart(startNextId), depth);
  return steps;
}

describe('catalog state: exhaustive over every op sequence', () => {
  it('all sequences up to length 6 over names a, b agree with the reference model', () => {
    const steps = exhaustive(6, ['a', 'b'], 1);
    expect(steps).toBeGreaterThan(1_000_000);
  });

  it('all sequences up to length 5 starting just below the reserved catalog id', () => {
    const steps = exhaustive(5, ['a', 'b'], CATALOG_TREE_ID - 2);
    expect(steps).toBeGreaterThan(10_000);
  });
});

describe('catalog state: transitions', () => {
  it('create, drop, re-create gives a new id while the old tree waits for finalization', () => {
    let s = emptyCatalog();
    const a1 = applyCatalogOpOrThrow(s, { kind: 'create', name: 'a' });
    expect(a1.result.id).toBe(1);
    s = applyCatalogOpOrThrow(a1.state, { kind: 'drop', name: 'a' }).state;
    expect(applyCatalogOp(s, { kind: 'open', name: 'a' })).toMatchObject({ ok: false, error: { code: 'TREE_NOT_FOUND' } });
    expect(applyCatalogOp(s, { kind: 'drop', name: 'a' })).toMatchObject({ ok: false, error: { code: 'TREE_NOT_FOUND' } });
    const a2 = applyCatalogOpOrThrow(s, { kind: 'create', name: 'a' });
    expect(a2.result.id).toBe(2);
    s = a2.state;
    expect(catalogEntries(s)).toEqual([
      { name: 'a', id: 1, state: 'dropped' },
      { name: 'a', id: 2, state: 'live' },
    ]);
    expect(treeHandleError(s, 1)?.code).toBe('TREE_DROPPED');
    expect(treeHandleError(s, 2)).toBeUndefined();
    expect(applyCatalogOp(s, { kind: 'create', name: 'a' })).toMatchObject({ ok: false, error: { code: 'TREE_EXISTS' } });
  });

  it('finalize needs a checkpoint after the drop and never touches live trees', () => {
    let s = applyCatalogOpOrThrow(emptyCatalog(), { kind: 'create', name: 'a' }).state;
    expect(applyCatalogOp(s, { kind: 'finalize', id: 1 })).toMatchObject({ ok: false, error: { code: 'TREE_NOT_FOUND' } });
    s = applyCatalogOpOrThrow(s, { kind: 'drop', name: 'a' }).state;
    expect(applyCatalogOp(s, { kind: 'finalize', id: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const cp = applyCatalogOpOrThrow(s, { kind: 'checkpoint' });
    expect(cp.result.reclaimable).toEqual([1]);
    const fin = applyCatalogOpOrThrow(cp.state, { kind: 'finalize', id: 1 });
    expect(fin.result.name).toBe('a');
    expect(catalogEntries(fin.state)).toEqual([]);
    expect(fin.state.nextId).toBe(2);
    expect(treeHandleError(fin.state, 1)?.code).toBe('TREE_DROPPED');
    expect(applyCatalogOp(fin.state, { kind: 'finalize', id: 1 })).toMatchObject({ ok: false, error: { code: 'TREE_NOT_FOUND' } });
  });

  it('queries and no-op checkpoints return the very same state object', () => {
    const s = applyCatalogOpOrThrow(emptyCatalog(), { kind: 'create', name: 'x' }).state;
    expect(applyCatalogOpOrThrow(s, { kind: 'list' }).state).toBe(s);
    expect(applyCatalogOpOrThrow(s, { kind: 'open', name: 'x' }).state).toBe(s);
    expect(applyCatalogOpOrThrow(s, { kind: 'checkpoint' }).state).toBe(s);
  });

  it('lists live names in UTF-8 byte order, not UTF-16 order', () => {
    let s = emptyCatalog();
    for (const name of ['b', '\u{1F600}', '\uFF21', 'a', 'B']) s = applyCatalogOpOrThrow(s, { kind: 'create', name }).state;
    // U+FF21 sorts after U+1F600 in UTF-16 units but before it in UTF-8 bytes.
    expect(applyCatalogOpOrThrow(s, { kind: 'list' }).result.names).toEqual(['B', 'a', 'b', '\uFF21', '\u{1F600}']);
    expect(compareTreeNames('\uFF21', '\u{1F600}')).toBeLessThan(0);
  });

  it('throws through applyCatalogOpOrThrow', () => {
    expect(() => applyCatalogOpOrThrow(emptyCatalog(), { kind: 'drop', name: 'nope' })).toThrow(HoltError);
  });

  it('rejects an unknown op kind with INVALID_ARGUMENT', () => {
    const step = applyCatalogOp(emptyCatalog(), { kind: 'vacuum' } as unknown as CatalogOp);
    expect(step).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('tree names', () => {
  it('accepts 1..255 UTF-8 bytes without NUL', () => {
    expect(treeNameError('a')).toBeUndefined();
    expect(treeNameError('x'.repeat(255))).toBeUndefined();
    expect(treeNameError('é'.repeat(127) + 'x')).toBeUndefined(); // 255 bytes
    expect(treeNameError('objects/2024\u{1F600}')).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['256 bytes', 'x'.repeat(256)],
    ['256 bytes of two-byte chars', 'é'.repeat(128)],
    ['NUL inside', 'a\0b'],
    ['leading NUL', '\0next-tree-id'],
    ['lone high surrogate', 'a\uD800'],
    ['lone low surrogate', '\uDC00'],
  ])('rejects %s with INVALID_ARGUMENT', (_what, name) => {
    expect(treeNameError(name)?.code).toBe('INVALID_ARGUMENT');
    expect(applyCatalogOp(emptyCatalog(), { kind: 'create', name })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(applyCatalogOp(emptyCatalog(), { kind: 'open', name })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(applyCatalogOp(emptyCatalog(), { kind: 'drop', name })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('rejects non-strings', () => {
    for (const name of [undefined, null, 1, Buffer.from('a'), {}]) {
      expect(treeNameError(name)?.code).toBe('INVALID_ARGUMENT');
      expect(applyCatalogOp(emptyCatalog(), { kind: 'create', name } as unknown as CatalogOp)).toMatchObject({ ok: false });
    }
  });
});

describe('tree ids', () => {
  it('allocates monotonically from 1', () => {
    expect(allocateTreeId(1)).toEqual({ id: 1, nextId: 2 });
    expect(allocateTreeId(41)).toEqual({ id: 41, nextId: 42 });
  });

  it('skips the reserved catalog id (id + 2 when id + 1 collides)', () => {
    expect(allocateTreeId(CATALOG_TREE_ID - 1)).toEqual({ id: CATALOG_TREE_ID - 1, nextId: CATALOG_TREE_ID + 1 });
    expect(successorTreeId(CATALOG_TREE_ID - 1)).toBe(CATALOG_TREE_ID + 1);
    expect(isUserTreeId(CATALOG_TREE_ID)).toBe(false);
  });

  it('rejects invalid counters and reports exhaustion', () => {
    for (const bad of [0, -1, 1.5, NaN, CATALOG_TREE_ID, 2 ** 53]) {
      expect(() => allocateTreeId(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(allocateTreeId(MAX_TREE_ID)).toEqual({ id: MAX_TREE_ID, nextId: Number.MAX_SAFE_INTEGER });
    expect(() => allocateTreeId(Number.MAX_SAFE_INTEGER)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const full: CatalogState = { ...emptyCatalog(), nextId: Number.MAX_SAFE_INTEGER };
    expect(checkCatalogInvariants(full)).toEqual([]);
    expect(applyCatalogOp(full, { kind: 'create', name: 'a' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('checkCatalogInvariants', () => {
  const live = (entries: [string, number][]) => new Map(entries);
  const dropped = (entries: [number, string, boolean][]) =>
    new Map(entries.map(([id, name, reclaimable]) => [id, { name, reclaimable }]));

  it.each<[string, CatalogState]>([
    ['nextId 0', { live: live([]), dropped: dropped([]), nextId: 0 }],
    ['nextId is the catalog id', { live: live([]), dropped: dropped([]), nextId: CATALOG_TREE_ID }],
    ['id 0', { live: live([['a', 0]]), dropped: dropped([]), nextId: 5 }],
    ['catalog id handed out', { live: live([['a', CATALOG_TREE_ID]]), dropped: dropped([]), nextId: CATALOG_TREE_ID + 1 }],
    ['id not below nextId', { live: live([['a', 5]]), dropped: dropped([]), nextId: 5 }],
    ['duplicate id live/live', { live: live([['a', 1], ['b', 1]]), dropped: dropped([]), nextId: 5 }],
    ['duplicate id live/dropped', { live: live([['a', 1]]), dropped: dropped([[1, 'b', false]]), nextId: 5 }],
    ['invalid live name', { live: live([['a\0', 1]]), dropped: dropped([]), nextId: 5 }],
    ['invalid dropped name', { live: live([]), dropped: dropped([[1, '', false]]), nextId: 5 }],
    ['live older than dropped of the same name', { live: live([['a', 1]]), dropped: dropped([[2, 'a', false]]), nextId: 5 }],
    ['non-integer id', { live: live([['a', 1.5]]), dropped: dropped([]), nextId: 5 }],
  ])('reports %s', (_what, state) => {
    expect(checkCatalogInvariants(state).length).toBeGreaterThan(0);
    expect(() => assertCatalogInvariants(state)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });

  it('accepts a sound state', () => {
    const state: CatalogState = { live: live([['a', 3], ['b', 1]]), dropped: dropped([[2, 'a', true]]), nextId: 4 };
    expect(checkCatalogInvariants(state)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Property tests: long random sequences, odd ids and odd names included.
// ---------------------------------------------------------------------------

const nameArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'logs/2024', '\u{1F600}') },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a\0', 'x'.repeat(256), '\uD800') },
);

const idArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, CATALOG_TREE_ID, Number.MAX_SAFE_INTEGER, NaN) },
);

const opArb: fc.Arbitrary<CatalogOp> = fc.oneof(
  { weight: 4, arbitrary: nameArb.map((name) => ({ kind: 'create' as const, name })) },
  { weight: 3, arbitrary: nameArb.map((name) => ({ kind: 'drop' as const, name })) },
  { weight: 2, arbitrary: nameArb.map((name) => ({ kind: 'open' as const, name })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'list' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 3, arbitrary: idArb.map((id) => ({ kind: 'finalize' as const, id })) },
);

describe('catalog state: property tests', () => {
  it('long random sequences agree with the model and keep every invariant', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        let state = emptyCatalog();
        let m = modelStart();
        const done: string[] = [];
        const trace = () => done.join(' → ');
        for (const op of ops) {
          done.push(describeOp(op));
          ({ state, model: m } = stepBoth(state, m, op, trace));
          assertMatchesModel(state, m, trace);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ids handed out by create strictly increase and are never reused', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.boolean(), (ops, nearReserved) => {
        let state: CatalogState = { ...emptyCatalog(), nextId: nearReserved ? CATALOG_TREE_ID - 3 : 1 };
        const handedOut: number[] = [];
        for (const op of ops) {
          const step = applyCatalogOp(state, op);
          if (!step.ok) continue;
          if (op.kind === 'create') {
            const id = (step.result as { id: number }).id;
            expect(id).not.toBe(CATALOG_TREE_ID);
            if (handedOut.length > 0) expect(id).toBeGreaterThan(handedOut[handedOut.length - 1]!);
            handedOut.push(id);
          }
          state = step.state;
          expect(checkCatalogInvariants(state)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
