// SMT proof: version arithmetic never wraps or loses precision below 2^53.
//
// Versions are JS numbers (IEEE doubles): in leaves and the frame header as
// f64, in WAL records and headers as u64 split into two u32 words (src/wal/
// le-bytes.ts). Tied to production: the word size W and the decoder's cut-off
// H (the smallest high word getU64 refuses) are measured on the production
// getU64/putU64, and the batch size bound comes from record-codec's
// MAX_BODY_BYTES. z3 proves:
//  A1 u64 round trip: for every integer 0 <= v < 2^53, getU64(putU64(v)) = v;
//  A2 the decoder never returns an unsafe value: for every pair of words it
//     returns -1 or a value below 2^53 (so A1 and A2 together pin H·W = 2^53);
//  A3 incrementing a version below 2^53 in doubles (nextVersion++, nextSeq + 1)
//     is exact and strictly increasing;
//  A4 the writer's batch guard `seq - 1 > MAX_SAFE_INTEGER - count`, evaluated
//     in doubles, admits exactly the batches whose versions are all safe
//     integers, from any counter up to 2^53 (so, by A3, every version it
//     admits is exact and strictly increasing). Doubles' rounding is written
//     out over integers for this proof and checked against the JS engine.
// Finding A-1 (fixed): the guard was `seq + count - 1 > MAX_SAFE_INTEGER`,
// whose rounding admitted a batch ending exactly at 2^53; z3 printed one.
import { fileURLToPath } from 'node:url';
import { loadAll } from '../lib/production.mjs';
import { Report } from '../lib/report.mjs';
import { prove, z3 } from './z3.mjs';

export async function proveVersionArithmetic({ dist }) {
  const report = new Report('SMT: version arithmetic', 'verified/smt/version-arith.mjs');
  const P = await loadAll(dist, ['wal/le-bytes.js', 'wal/record-codec.js']);

  // Measure the production codec: W from a high word of 1, H by bisection on the
  // high word (getU64 refuses from H on), both checked at their edges.
  const u64 = (lo, hi) => { const b = new Uint8Array(8); P.putU32(b, 0, lo); P.putU32(b, 4, hi); return P.getU64(b, 0); };
  const W = u64(0, 1);
  let lo = 0;
  let hi = 2 ** 32;
  while (lo < hi) { const mid = Math.floor((lo + hi) / 2); if (u64(0, mid) === -1) hi = mid; else lo = mid + 1; }
  const H = lo;
  report.check(W === 2 ** 32, `getU64 reads a high word of 1 as ${W}`);
  report.check(H < 2 ** 32 && u64(0xffffffff, H - 1) !== -1 && u64(0, H) === -1 && u64(0, 2 ** 32 - 1) === -1, `getU64's cut-off is not a clean threshold at high word ${H}`);
  for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, 2 ** 53 - 1]) {
    const b = new Uint8Array(8);
    P.putU64(b, 0, v);
    report.check(P.getU32(b, 0) === v % 2 ** 32 && P.getU32(b, 4) === Math.floor(v / 2 ** 32), `putU64(${v}) does not store low word then high word`);
  }
  const minOp = 1 + 8 + 4 + 1; // tag, tree id, key length, one key byte: a delete of a one-byte key
  const maxCount = Math.floor((P.MAX_BODY_BYTES - 4) / minOp);

  const { Context } = await z3();
  const Z = Context('versions');
  const TWO53 = 2n ** 53n;
  const vv = Z.Int.const('v');
  const loW = Z.Int.const('lo');
  const hiW = Z.Int.const('hi');
  const decode = (l, h) => Z.If(h.ge(H), Z.Int.val(-1), h.mul(W).add(l));
  const proved = (name, r) => report.check(r.proved, () => `${name} refuted (W = ${W}, H = ${H}): ${r.counterexample}`);
  const a1 = await prove(Z, decode(vv.mod(W), vv.div(W)).eq(vv), [vv.ge(0), vv.lt(TWO53)], { v: vv });
  proved('A1', a1);
  const a2 = await prove(Z, Z.Or(decode(loW, hiW).eq(-1), decode(loW, hiW).lt(TWO53)),
    [loW.ge(0), loW.lt(W), hiW.ge(0), hiW.lt(W)], { lo: loW, hi: hiW });
  proved('A2', a2);

  // A3 in z3's IEEE binary64 theory: integer-valued doubles are those with x rem 1 = 0.
  const F = Z.Float.sort64();
  const rne = Z.FloatRM.RNE();
  const x = Z.Float.const('x', F);
  const next = x.add(rne, 1);
  const a3 = await prove(Z, Z.And(next.gt(x), next.sub(rne, x).eq(Z.Float.val(1, F))),
    [x.ge(0), x.lt(2 ** 53), x.rem(1).isZero()], { x });
  proved('A3', a3);

  // A4 over integers, with doubles' round-to-nearest-even written out for the range
  // the guard meets (0..2^54: exact up to 2^53, then even integers, ties to a multiple
  // of 4). The rounding model is checked against this engine's own number conversion.
  const rneModel = (a) => (a <= 2n ** 53n || a % 2n === 0n ? a : (a + 1n) % 4n === 0n ? a + 1n : a - 1n);
  let roundings = 0;
  for (const centre of [2n ** 53n, 2n ** 54n - 4097n]) {
    for (let d = -4096n; d <= 4096n; d++) {
      const a = centre + d;
      roundings++;
      report.check(BigInt(Number(a)) === rneModel(a), () => `the rounding model says ${rneModel(a)} for ${a}, the engine rounds to ${BigInt(Number(a))}`);
    }
  }
  const rneZ = (a) => Z.If(a.le(TWO53), a, Z.If(a.mod(2).eq(0), a, Z.If(a.add(1).mod(4).eq(0), a.add(1), a.sub(1))));
  const S = Z.Int.const('S');
  const C = Z.Int.const('C');
  // !(seq - 1 > MAX_SAFE_INTEGER - count), each subtraction rounded as doubles round it.
  const admitted = rneZ(S.sub(1)).le(rneZ(Z.Int.val(Number.MAX_SAFE_INTEGER).sub(C)));
  const ints = [S.ge(1), S.le(TWO53), C.ge(1), C.le(maxCount)];
  const a4 = await prove(Z, admitted.eq(S.add(C).sub(1).le(Number.MAX_SAFE_INTEGER)), ints, { S, C });
  proved('A4', a4);

  const proof = (r) => (r.proved ? 'proved (unsat)' : `REFUTED: ${r.counterexample}`);
  report.claim('A1', 'Every version below 2^53 round-trips through the WAL u64 fields', `z3 over all integers, with W = 2^${Math.log2(W)} and cut-off high word H = 0x${H.toString(16)} measured on the production getU64/putU64: ${proof(a1)}`);
  report.claim('A2', 'The u64 decoder never returns a value at or above 2^53 (it refuses it), so no decoded version loses precision', `z3 over all 2^64 word pairs: ${proof(a2)}`);
  report.claim('A3', 'Incrementing any version below 2^53 in doubles is exact and strictly increasing (no wrap, no stuck counter)', `z3, IEEE binary64 round-to-nearest-even: ${proof(a3)}`);
  report.claim('A4', `The WAL writer's batch guard, in doubles, admits exactly the batches whose versions are all safe integers, none ending at or above 2^53 (batches of 1..${maxCount.toLocaleString('en-US')} ops, from MAX_BODY_BYTES; counter up to 2^53)`,
    `z3: ${proof(a4)}, rounding model equal to the engine's on ${roundings.toLocaleString('en-US')} integers around 2^53 and 2^54 (finding A-1, a batch ending at 2^53, is fixed)`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('../check.mjs');
  await runOne(proveVersionArithmetic);
}
