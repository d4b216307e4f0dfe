/**
 * Times one phase: every op on its own (process.hrtime around the call, nothing else
 * inside), the bytes the process read from storage across the phase, and memory after it.
 * Checking an answer happens outside the timed region, so it costs the engine nothing.
 */

import { quantile } from '../lib/stats.mjs';
import { memorySample, readBytes } from './proc-stats.mjs';

/**
 * @typedef {object} PhaseResult
 * @property {number} ops
 * @property {number} p50Us
 * @property {number} p99Us
 * @property {number} meanUs
 * @property {number} maxUs
 * @property {number} wallMs  the whole phase, checks included
 * @property {number} readBytes  read from storage during the phase
 * @property {number} readBytesPerOp
 * @property {import('./proc-stats.mjs').MemorySample} memory  after the phase
 */

/**
 * @param {number} ops
 * @param {(n: number) => unknown} op  the timed call for the n-th op; returns the answer
 * @param {(n: number, answer: unknown) => void} check  sees every answer, untimed
 * @returns {PhaseResult}
 */
export function timePhase(ops, op, check) {
  const ns = new Float64Array(ops);
  const bytesBefore = readBytes();
  const started = performance.now();
  for (let n = 0; n < ops; n++) {
    const t0 = process.hrtime.bigint();
    const answer = op(n);
    ns[n] = Number(process.hrtime.bigint() - t0);
    check(n, answer);
  }
  const wallMs = performance.now() - started;
  const bytes = readBytes() - bytesBefore;
  ns.sort();
  let total = 0;
  for (const x of ns) total += x;
  const sorted = Array.from(ns);
  return {
    ops,
    p50Us: quantile(sorted, 0.5) / 1e3,
    p99Us: quantile(sorted, 0.99) / 1e3,
    meanUs: total / ops / 1e3,
    maxUs: ns[ops - 1] / 1e3,
    wallMs,
    readBytes: bytes,
    readBytesPerOp: bytes / ops,
    memory: memorySample(),
  };
}

/**
 * Runs an untimed stretch (a warm-up pass) and reports the bytes it read per op.
 * @param {number} ops
 * @param {(n: number) => unknown} op
 * @returns {number} bytes read per op
 */
export function bytesPerOp(ops, op) {
  const before = readBytes();
  for (let n = 0; n < ops; n++) op(n);
  return (readBytes() - before) / ops;
}
