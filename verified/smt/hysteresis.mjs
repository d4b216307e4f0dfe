// SMT proof: grow/shrink hysteresis never oscillates and always fits, for all
// sizes (original invariants 1, 4, 5).
//
// The model: a node is (type index t, child count n). Adding to a full node
// moves it one type up; a removal that leaves n at or below the type's shrink
// threshold moves it one type down. It is tied to production two ways:
//  - its numbers are src/layout's capacities and thresholds (imported from
//    dist/), and
//  - it is compared with the production shrinkTarget/innerTypeFor/
//    innerCapacity for every type and every count 0..256 (the whole domain).
// z3 then proves, for every integer n:
//  H1 the band invariant  thr(t) < n <= cap(t)  holds initially (a leaf
//     split's two-child Node4) and is kept by every add and remove, so a
//     node always holds its children;
//  H2 a grow followed by a removal, or a shrink followed by an add, never
//     reallocates again (no oscillation);
//  H3 the general theorem: for ANY increasing capacities and thresholds with
//     thr(t-1) < thr(t) < cap(t-1) (thr(Node4) = 0), H1 and H2 hold; and the
//     production numbers satisfy those conditions.
import { fileURLToPath } from 'node:url';
import { loadAll } from '../lib/production.mjs';
import { Report } from '../lib/report.mjs';
import { prove, z3 } from './z3.mjs';

export async function proveHysteresis({ dist }) {
  const report = new Report('SMT: hysteresis', 'verified/smt/hysteresis.mjs');
  const P = await loadAll(dist, ['layout/inner-nodes.js', 'layout/node-types.js']);
  const types = [P.NODE_4, P.NODE_16, P.NODE_48, P.NODE_256];
  const caps = [P.N4_CAPACITY, P.N16_CAPACITY, P.N48_CAPACITY, P.N256_CAPACITY];
  // thr[t]: shrink from t when the count falls to this or below (none for Node4: 0).
  const thr = [0, P.SHRINK_16_TO_4, P.SHRINK_48_TO_16, P.SHRINK_256_TO_48];

  // The model agrees with the production helpers on the whole domain.
  for (let t = 0; t < 4; t++) {
    report.check(P.innerCapacity(types[t]) === caps[t], `innerCapacity(${types[t]}) is not ${caps[t]}`);
    for (let c = 0; c <= 256; c++) {
      const modelShrink = t > 0 && c <= thr[t] ? types[t - 1] : types[t];
      report.check(P.shrinkTarget(types[t], c) === modelShrink, () => `shrinkTarget(${types[t]}, ${c}) = ${P.shrinkTarget(types[t], c)}, the model says ${modelShrink}`);
    }
  }
  for (let c = 1; c <= 256; c++) {
    const modelType = types[caps.findIndex((k) => k >= c)];
    report.check(P.innerTypeFor(c) === modelType, () => `innerTypeFor(${c}) disagrees with the model`);
  }

  const { Context } = await z3();
  const Z = Context('hysteresis');
  const t = Z.Int.const('t');
  const nn = Z.Int.const('n');
  const pick = (arr, i) => arr.slice(0, -1).reduceRight((acc, v, k) => Z.If(i.eq(k), v, acc), arr[arr.length - 1]);

  /** The claims over capacity/threshold expressions C[0..3], T[0..3]. */
  const claims = (C, T) => {
    const cap = (i) => pick(C, i);
    const th = (i) => pick(T, i);
    const inv = (i, c) => Z.And(i.ge(0), i.le(3), Z.If(i.eq(0), c.ge(1), c.gt(th(i))), c.le(cap(i)));
    const addT = (i, c) => Z.If(c.eq(cap(i)), i.add(1), i);
    const remT = (i, c) => Z.If(Z.And(i.gt(0), c.sub(1).le(th(i))), i.sub(1), i);
    const full = nn.lt(C[3]);
    return {
      H1: Z.And(
        inv(Z.Int.val(0), Z.Int.val(2)),
        Z.Implies(Z.And(inv(t, nn), full), inv(addT(t, nn), nn.add(1))),
        Z.Implies(Z.And(inv(t, nn), nn.gt(1)), inv(remT(t, nn), nn.sub(1))),
      ),
      H2: Z.And(
        // grow, then remove: the removal keeps the new type
        Z.Implies(Z.And(inv(t, nn), full, addT(t, nn).neq(t)), remT(addT(t, nn), nn.add(1)).eq(addT(t, nn))),
        // shrink, then add: the add keeps the smaller type
        Z.Implies(Z.And(inv(t, nn), nn.gt(1), remT(t, nn).neq(t)), addT(remT(t, nn), nn.sub(1)).eq(remT(t, nn))),
      ),
    };
  };

  const prod = claims(caps.map((v) => Z.Int.val(v)), thr.map((v) => Z.Int.val(v)));
  const show = { t, n: nn };
  const h1 = await prove(Z, prod.H1, [], show);
  const h2 = await prove(Z, prod.H2, [], show);
  report.check(h1.proved, () => `H1 fails with the production numbers: ${h1.counterexample}`);
  report.check(h2.proved, () => `H2 fails with the production numbers: ${h2.counterexample}`);

  // H3: the theorem for any numbers meeting the side conditions.
  const C = [0, 1, 2, 3].map((i) => Z.Int.const(`C${i}`));
  const T = [0, 1, 2, 3].map((i) => Z.Int.const(`T${i}`));
  const side = [
    C[0].ge(2), C[0].lt(C[1]), C[1].lt(C[2]), C[2].lt(C[3]), T[0].eq(0),
    ...[1, 2, 3].map((i) => Z.And(T[i].gt(T[i - 1]), T[i].lt(C[i - 1]))),
  ];
  const general = claims(C, T);
  const h3a = await prove(Z, general.H1, side, { ...show, C0: C[0], C1: C[1], T1: T[1] });
  const h3b = await prove(Z, general.H2, side, { ...show, C0: C[0], C1: C[1], T1: T[1] });
  report.check(h3a.proved && h3b.proved, () => `H3 (general theorem) not proved: ${h3a.counterexample ?? h3b.counterexample}`);
  const sideHolds = caps[0] >= 2 && caps[0] < caps[1] && caps[1] < caps[2] && caps[2] < caps[3] && [1, 2, 3].every((i) => thr[i] > thr[i - 1] && thr[i] < caps[i - 1]);
  report.check(sideHolds, `the production numbers (capacities ${caps.join('/')}, thresholds ${thr.slice(1).join('/')}) break the theorem's conditions thr(t-1) < thr(t) < cap(t-1)`);

  const proof = (r) => (r.proved ? 'proved (unsat)' : `REFUTED: ${r.counterexample}`);
  report.claim('H1', `Band invariant thr(t) < n <= cap(t) holds from a two-child Node4 and is kept by every add and remove, for every n (capacities ${caps.join('/')}, thresholds ${thr.slice(1).join('/')} from src/layout)`,
    `z3: ${proof(h1)}; model equal to production shrinkTarget/innerTypeFor/innerCapacity on all ${4 * 257 + 256} (type, count) inputs`);
  report.claim('H2', 'No oscillation: the op opposite to a grow or a shrink, right after it, never reallocates the node', `z3: ${proof(h2)}`);
  report.claim('H3', 'For any increasing capacities and thresholds with thr(t-1) < thr(t) < cap(t-1), H1 and H2 hold; the production numbers meet those conditions',
    `z3: ${proof(h3a)} / ${proof(h3b)}; conditions ${sideHolds ? 'met' : 'NOT met'}`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('../check.mjs');
  await runOne(proveHysteresis);
}
