/**
 * Scan bounds planning (src/art/scan-bounds.ts) on its own: what a start-after
 * or an end inside a rollup means, and how bounds outside the prefix's subtree
 * are dropped or end the scan. The listings these produce are tested through
 * `tree.scan()` in scan.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { planBounds, prefixSuccessor, rollupOf, type ScanSpec } from '../../src/art/scan-bounds.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function spec(o: Partial<ScanSpec>): ScanSpec {
  return { prefix: b(''), startAfter: null, end: null, delimiter: -1, keysOnly: false, limit: Infinity, reverse: false, borrowValues: false, ...o };
}

const show = (x: Buffer | null): string | null => (x === null ? null : x.toString('latin1'));
const noProbe = { hasKeyBefore: (): boolean => { throw new Error('no probe expected'); } };

describe('prefixSuccessor', () => {
  it('increments the last non-0xFF byte and truncates', () => {
    expect(prefixSuccessor(b('ab'))).toEqual(b('ac'));
    expect(prefixSuccessor(b('a\u00ff\u00ff'))).toEqual(b('b'));
    expect(prefixSuccessor(b('\u00ff'))).toBeNull();
    expect(prefixSuccessor(b(''))).toBeNull();
  });
});

describe('planBounds', () => {
  it('a start-after inside a rollup resumes after the whole rollup', () => {
    const s = spec({ prefix: b('p/'), delimiter: 0x2f, startAfter: b('p/a/x') });
    expect(show(rollupOf(s, b('p/a/x')))).toBe('p/a/');
    const f = planBounds(s, noProbe);
    expect([show(f.lb), f.lbInclusive, show(f.ub), f.empty]).toEqual(['p/a0', true, null, false]);
    // Going down, the same marker skips the rollup: the scan continues below it.
    const r = planBounds({ ...s, reverse: true }, noProbe);
    expect([show(r.lb), show(r.ub)]).toEqual([null, 'p/a/']);
  });

  it('an end inside a rollup asks the probe whether the rollup has a key before the end', () => {
    const s = spec({ delimiter: 0x2f, end: b('a/m') });
    const asked: string[] = [];
    const none = planBounds(s, { hasKeyBefore: (rollup, end) => { asked.push(`${show(rollup)} < ${show(end)}`); return false; } });
    expect(asked).toEqual(['a/ < a/m']);
    expect(show(none.ub)).toBe('a/'); // nothing of the rollup before the end: stop before it
    const some = planBounds({ ...s, reverse: true }, { hasKeyBefore: () => true });
    expect([show(some.ub), show(some.pendingRollup)]).toEqual(['a/', 'a/']); // listed first going down
  });

  it('bounds outside the prefix subtree are dropped, or end the scan', () => {
    expect(planBounds(spec({ prefix: b('m/'), end: b('z') }), noProbe)).toMatchObject({ ub: null, empty: false });
    expect(planBounds(spec({ prefix: b('m/'), end: b('a') }), noProbe).empty).toBe(true);
    expect(planBounds(spec({ prefix: b('m/'), startAfter: b('n') }), noProbe).empty).toBe(true);
    expect(planBounds(spec({ prefix: b('m/'), startAfter: b('a') }), noProbe)).toMatchObject({ lb: null, empty: false });
  });
});
