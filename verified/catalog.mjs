// Explicit-state model check of the catalog state machine (src/db/catalog-state.ts).
//
// Breadth-first search over every catalog state reachable from the roots with at most
// `depth` ops over `names`, each state hashed to a canonical string so it is expanded
// once. In every reachable state it checks checkCatalogInvariants() and a few
// reachability facts; on every transition it checks the transition against the
// specification written out below (not against the implementation's own helpers).
//
// Original invariants 13 and 14. Imports the compiled dist/: npx tsc -p tsconfig.json
import { fileURLToPath } from 'node:url';
import { load } from './lib/production.mjs';
import { Report, n } from './lib/report.mjs';

export async function checkCatalog({ dist, fast = false }) {
  const report = new Report('catalog', 'verified/catalog.mjs');
  const depth = fast ? 7 : 9;
  const names = ['a', 'b', 'c'];
  const { statesExplored, transitions, violations, perRoot } = await exploreCatalog({ dist, depth, names });
  for (const v of violations) report.check(false, v);
  report.checks += transitions;
  report.check(statesExplored > 0, 'no catalog state explored');
  report.claim('K1', 'Only live trees are visible to list and open; create Missing -> Live, drop Live -> Dropped (hidden, finalizable after a checkpoint), finalize Dropped -> Missing (creatable again); every op is pure and changes exactly what its rule says (original invariant 13)',
    `${n(statesExplored)} catalog states reachable within ${depth} ops over names ${names.join(', ')} (${perRoot}), ${n(transitions)} transitions checked against the rules`);
  report.claim('K2', 'Tree ids are handed out in order, never reused, never 0 and never the reserved catalog id, which allocation skips (original invariant 14)',
    'the same states, from a fresh catalog and from one whose next id is just below the reserved id');
  return report;
}

async function exploreCatalog({ dist, depth, names, log = () => {} }) {
  const catalog = await load(dist, 'db/catalog-state.js');
  const ids = await load(dist, 'db/tree-ids.js');
  const { applyCatalogOp, checkCatalogInvariants, emptyCatalog } = catalog;
  const { CATALOG_TREE_ID } = ids;

  const violations = [];
  const violate = (path, message) => {
    if (violations.length < 20) violations.push(`${message}\n    path: ${path.join(' → ') || '(root)'}`);
  };

  const roots = [
    { label: 'fresh catalog', state: emptyCatalog() },
    // Ids just below the reserved catalog id, so creates must skip it.
    { label: 'nextId = CATALOG_TREE_ID - 2', state: { ...emptyCatalog(), nextId: CATALOG_TREE_ID - 2 } },
  ];

  let statesExplored = 0;
  let transitions = 0;
  const perRootCounts = [];
  for (const root of roots) {
    const seen = new Map([[hash(root.state), 0]]);
    let frontier = [{ state: root.state, path: [] }];
    let level = 0;
    checkState(root.state, []);
    while (frontier.length > 0 && level < depth) {
      const next = [];
      for (const { state, path } of frontier) {
        for (const op of opsFor(state)) {
          const before = hash(state);
          const step = applyCatalogOp(state, op);
          transitions++;
          const where = [...path, show(op)];
          if (hash(state) !== before) violate(where, 'applyCatalogOp mutated its input state');
          checkTransition(state, op, step, where);
          if (!step.ok) continue;
          const h = hash(step.state);
          if (seen.has(h)) continue;
          seen.set(h, level + 1);
          checkState(step.state, where);
          next.push({ state: step.state, path: where });
        }
      }
      frontier = next;
      level++;
    }
    statesExplored += seen.size;
    perRootCounts.push(`${n(seen.size)} from ${root.label}`);
    log(`  catalog, ${root.label}: ${seen.size} states reachable within ${depth} ops over names ${names.join(', ')}`);
  }
  return { statesExplored, transitions, violations, perRoot: perRootCounts.join(', ') };

  function opsFor(state) {
    const ops = [];
    for (const name of names) {
      ops.push({ kind: 'create', name }, { kind: 'drop', name }, { kind: 'open', name });
    }
    ops.push({ kind: 'list' }, { kind: 'checkpoint' });
    const candidates = new Set([0, CATALOG_TREE_ID, state.nextId, ...state.live.values(), ...state.dropped.keys()]);
    for (const id of candidates) ops.push({ kind: 'finalize', id });
    return ops;
  }

  function checkState(state, path) {
    for (const problem of checkCatalogInvariants(state)) violate(path, `invariant: ${problem}`);
    if (state.nextId === CATALOG_TREE_ID) violate(path, 'nextId is the reserved catalog id');
    // Visibility: exactly the live trees are visible to list and open.
    const listed = applyCatalogOp(state, { kind: 'list' });
    const liveNames = [...state.live.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    if (!listed.ok || listed.result.names.join('\n') !== liveNames.join('\n')) violate(path, 'list is not exactly the live names');
    for (const name of names) {
      const opened = applyCatalogOp(state, { kind: 'open', name });
      if (opened.ok !== state.live.has(name)) violate(path, `open(${name}) visibility is wrong`);
    }
    // Every dropped tree can always be finalized: checkpoint, then finalize each.
    let s = applyCatalogOp(state, { kind: 'checkpoint' });
    for (const id of state.dropped.keys()) {
      s = s.ok ? applyCatalogOp(s.state, { kind: 'finalize', id }) : s;
      if (!s.ok) violate(path, `dropped tree ${id} cannot be finalized after a checkpoint`);
    }
    if (s.ok && s.state.dropped.size !== 0) violate(path, 'checkpoint + finalize-all left dropped trees');
    // Every name can always be used again: drop it if live, then create succeeds.
    for (const name of names) {
      const dropped = state.live.has(name) ? applyCatalogOp(state, { kind: 'drop', name }) : { ok: true, state };
      const created = dropped.ok ? applyCatalogOp(dropped.state, { kind: 'create', name }) : dropped;
      if (!created.ok && created.error.code !== 'INTERNAL') violate(path, `name ${name} cannot be created again`);
    }
  }

  function checkTransition(prev, op, step, path) {
    const expectError = (code) => {
      if (step.ok) violate(path, `${show(op)} succeeded, expected ${code}`);
      else if (step.error?.code !== code) violate(path, `${show(op)} failed with ${step.error?.code}, expected ${code}`);
    };
    const unchanged = (what) => {
      if (step.ok && hash(step.state) !== hash(prev)) violate(path, `${what} changed the state`);
    };
    if (step.ok && step.state.nextId < prev.nextId) violate(path, 'nextId went backwards');
    switch (op.kind) {
      case 'create': {
        if (prev.live.has(op.name)) return expectError('TREE_EXISTS');
        if (!step.ok) return violate(path, `create(${op.name}) failed with ${step.error.code}`);
        const id = step.result.id;
        if (id !== prev.nextId) violate(path, `create handed out ${id}, expected nextId ${prev.nextId}`);
        if (id === CATALOG_TREE_ID || id < 1) violate(path, `create handed out reserved id ${id}`);
        if (allIds(prev).has(id)) violate(path, `create reused id ${id}`);
        if (!(step.state.nextId > id)) violate(path, 'nextId not advanced past the new id');
        if (step.state.live.get(op.name) !== id) violate(path, 'new tree not live under its name');
        if (hashWithout(step.state, { live: op.name }) !== hashWithout(prev, { live: op.name })) {
          violate(path, 'create touched other entries');
        }
        return;
      }
      case 'drop': {
        const id = prev.live.get(op.name);
        if (id === undefined) return expectError('TREE_NOT_FOUND');
        if (!step.ok) return violate(path, `drop(${op.name}) failed with ${step.error.code}`);
        if (step.result.id !== id) violate(path, 'drop returned the wrong id');
        if (step.state.live.has(op.name)) violate(path, 'dropped name still live');
        const d = step.state.dropped.get(id);
        if (!d || d.name !== op.name || d.reclaimable !== false) violate(path, 'drop did not record a fresh Dropped entry');
        if (step.state.live.size !== prev.live.size - 1 || step.state.dropped.size !== prev.dropped.size + 1) {
          violate(path, 'drop changed other entries');
        }
        return;
      }
      case 'open': {
        const id = prev.live.get(op.name);
        if (id === undefined) return expectError('TREE_NOT_FOUND');
        if (!step.ok || step.result.id !== id) violate(path, 'open of a live tree failed or returned the wrong id');
        return unchanged('open');
      }
      case 'list':
        return unchanged('list');
      case 'checkpoint': {
        if (!step.ok) return violate(path, 'checkpoint failed');
        for (const [id, d] of prev.dropped) {
          const after = step.state.dropped.get(id);
          if (!after || !after.reclaimable || after.name !== d.name) violate(path, `checkpoint did not make ${id} reclaimable`);
        }
        if (step.state.dropped.size !== prev.dropped.size || hashLive(step.state) !== hashLive(prev) || step.state.nextId !== prev.nextId) {
          violate(path, 'checkpoint changed more than reclaimability');
        }
        return;
      }
      case 'finalize': {
        const d = prev.dropped.get(op.id);
        if (d === undefined) return expectError('TREE_NOT_FOUND');
        if (!d.reclaimable) return expectError('INVALID_ARGUMENT');
        if (!step.ok) return violate(path, `finalize(${op.id}) failed with ${step.error.code}`);
        if (step.state.dropped.has(op.id) || step.state.dropped.size !== prev.dropped.size - 1) violate(path, 'finalize removed the wrong entries');
        if (hashLive(step.state) !== hashLive(prev) || step.state.nextId !== prev.nextId) violate(path, 'finalize touched live trees or nextId');
        return;
      }
      default:
        return violate(path, `unexpected op ${show(op)}`);
    }
  }
}

function allIds(state) {
  return new Set([...state.live.values(), ...state.dropped.keys()]);
}

function hashLive(state) {
  return [...state.live].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, id]) => `${n}=${id}`).join(',');
}

function hashDropped(state) {
  return [...state.dropped].sort(([a], [b]) => a - b).map(([id, d]) => `${id}:${d.name}:${d.reclaimable ? 'r' : 'p'}`).join(',');
}

/** Canonical text of a state: equal states, equal hashes, whatever the Map insertion order. */
function hash(state) {
  return `${state.nextId}|${hashLive(state)}|${hashDropped(state)}`;
}

/** The state's hash ignoring one live name and nextId (to see that nothing else moved). */
function hashWithout(state, { live }) {
  const rest = new Map([...state.live].filter(([n]) => n !== live));
  return `${hashLive({ live: rest })}|${hashDropped(state)}`;
}

function show(op) {
  return 'name' in op ? `${op.kind}(${op.name})` : 'id' in op ? `${op.kind}(${op.id})` : op.kind;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('./check.mjs');
  await runOne(checkCatalog);
}
