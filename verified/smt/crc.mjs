// SMT proof: the WAL record checksum detects every single-bit error in the
// bytes it covers, for records of every length.
//
// The CRC is affine over GF(2): feeding one input bit b into register s gives
// step(s xor b), with step(d) = (d >>> 1) xor (d & 1 ? POLY : 0). Two inputs
// differing in one bit therefore leave registers differing by step^k(1), k >= 1
// the number of bits fed after the flipped one, whatever the data; the final
// complement keeps the difference. So a single-bit error goes unseen only if
// step^k(1) = 0, which is impossible if step never maps a nonzero register to
// zero. z3 proves, over all 2^32 registers:
//  C1 step(d) != 0 for every d != 0  (step is injective: it loses no error),
//  C2 the difference after one input bit does not depend on the data:
//     upd(s1, b) xor upd(s2, b) = step(s1 xor s2), and
//     upd(s, b) xor upd(s, b xor 1) = step(1).
// Tied to production: POLY is read out of the production crc32c (the CRC of
// the byte 0x80 from a zero register is the polynomial itself), and the
// bit-serial model is compared with the production (table-driven) crc32c on
// every 1- and 2-byte input, the standard check value, and random inputs of
// every length up to 300 bytes. A flip in the stored CRC itself is detected
// trivially (the recomputed CRC is unchanged); a flip in the record's length
// field changes what the CRC covers and is left to the bounded check
// (wal-framing.mjs, W2).
import { fileURLToPath } from 'node:url';
import { load } from '../lib/production.mjs';
import { Report, n } from '../lib/report.mjs';
import { prove, z3 } from './z3.mjs';

export async function proveCrc({ dist, fast = false }) {
  const report = new Report('SMT: record checksum', 'verified/smt/crc.mjs');
  const { crc32c } = await load(dist, 'checksum/crc32c.js');

  // The polynomial, as the production code computes it.
  const POLY = ~crc32c(Uint8Array.of(0x80), 0, 1, 0xffffffff) >>> 0;
  const modelCrc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    }
    return ~c >>> 0;
  };
  let compared = 0;
  const same = (bytes) => {
    compared++;
    return report.check(crc32c(bytes) === modelCrc(bytes), () => `crc32c of [${[...bytes].slice(0, 12).join(',')}${bytes.length > 12 ? ',…' : ''}] (${bytes.length} bytes) differs from the bit-serial model`);
  };
  for (let a = 0; a < 256; a++) {
    same(Uint8Array.of(a));
    for (let b = 0; b < 256; b++) same(Uint8Array.of(a, b));
  }
  let rng = 12345;
  const rand = () => { rng ^= rng << 13; rng ^= rng >>> 17; rng ^= rng << 5; return rng >>> 0; };
  for (let len = 0; len <= 300; len++) {
    for (let rep = 0; rep < (fast ? 2 : 8); rep++) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = rand() & 0xff;
      if (!same(bytes)) break;
      // A whole-input CRC equals one continued over two calls (the reader checks records that way too).
      const cut = len >> 1;
      report.check(crc32c(bytes, cut, len, crc32c(bytes, 0, cut)) === crc32c(bytes), () => `crc32c does not continue across calls (length ${len})`);
    }
  }

  const { Context } = await z3();
  const Z = Context('crc');
  const bv = (v) => Z.BitVec.val(v, 32);
  const step = (d) => Z.If(d.and(bv(1)).eq(bv(1)), d.lshr(1).xor(bv(POLY)), d.lshr(1));
  const upd = (s, b) => step(s.xor(b));
  const d = Z.BitVec.const('d', 32);
  const s1 = Z.BitVec.const('s1', 32);
  const s2 = Z.BitVec.const('s2', 32);
  const b = Z.BitVec.const('b', 32);
  const c1 = await prove(Z, Z.Implies(d.neq(bv(0)), step(d).neq(bv(0))), [], { d });
  const bit = [b.eq(bv(0)).or(b.eq(bv(1)))];
  const c2 = await prove(Z, Z.And(
    upd(s1, b).xor(upd(s2, b)).eq(step(s1.xor(s2))),
    upd(s1, b).xor(upd(s1, b.xor(bv(1)))).eq(step(bv(1))),
  ), bit, { s1, s2, b });
  report.check(c1.proved, () => `C1 fails for POLY 0x${POLY.toString(16)}: ${c1.counterexample} is a nonzero register that one step turns to zero`);
  report.check(c2.proved, () => `C2 fails: ${c2.counterexample}`);
  // Last, so that a wrong polynomial is reported by the proof above: the model is CRC-32C.
  report.check(crc32c(Buffer.from('123456789')) === 0xe3069283, 'crc32c("123456789") is not the CRC-32C check value 0xE3069283');

  const proof = (r) => (r.proved ? 'proved (unsat)' : `REFUTED: ${r.counterexample}`);
  report.claim('C1', `Every single-bit error in a record's checksummed bytes (magic, sequence, type, body) changes the CRC, for every record length: the register step of POLY 0x${POLY.toString(16).toUpperCase()} never turns a nonzero difference into zero`,
    `z3 over all 2^32 registers: ${proof(c1)}`);
  report.claim('C2', 'The error difference propagates independently of the data (the CRC is affine), so C1 covers every message',
    `z3 over all register pairs: ${proof(c2)}; model equal to the production crc32c on ${n(compared)} inputs (all 1- and 2-byte ones, random ones of every length to 300) and the CRC-32C check value`);
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { runOne } = await import('../check.mjs');
  await runOne(proveCrc);
}
