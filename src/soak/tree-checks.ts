/**
 * Checks of one tree against its oracle, shared by the normal modes: a point
 * read, a key-only delimiter scan, a prefix-emptiness probe, and the full
 * comparison (every key, every version, nothing extra, verify()) that ends
 * each cycle.
 */
import type { Tree } from '../index.js';
import { indexOfKey, keyFor, revisionOf } from './keys.js';
import type { TreeOracle } from './oracle.js';
import type { Tally } from './report.js';

function show(v: Buffer | undefined): string {
  if (v === undefined) return 'absent';
  const s = v.toString('utf8');
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

export function checkGet(tally: Tally, tree: Tree, oracle: TreeOracle, i: number, cycle: number): void {
  const want = oracle.get(i);
  const got = tree.get(keyFor(i));
  const rev = revisionOf(oracle.name, i, got);
  if (want === undefined ? got === undefined : rev === want.rev) return;
  tally.mismatch(want !== undefined && (got === undefined || (rev >= 0 && rev < want.rev)) ? 'lost' : 'wrong', {
    tree: oracle.name, key: keyFor(i), expected: want === undefined ? 'absent' : `rev ${want.rev}`, found: show(got), cycle,
  });
}

export function checkScan(
  tally: Tally, tree: Tree, oracle: TreeOracle, bucket: number, prefix: string, delimiter: string, limit: number, cycle: number,
): void {
  const want = oracle.expectedScan(bucket, prefix, delimiter, limit);
  const got: string[] = [];
  for (const e of tree.scan({ prefix, delimiter, keysOnly: true, limit })) got.push(`${e.kind === 'key' ? 'k' : 'p'}:${e.key.toString('utf8')}`);
  const n = Math.max(want.length, got.length);
  for (let j = 0; j < n; j++) {
    if (want[j] === got[j]) continue;
    tally.mismatch('wrong', {
      tree: oracle.name,
      key: `scan(prefix=${JSON.stringify(prefix)}, delimiter=${JSON.stringify(delimiter)}, limit=${limit}) entry ${j}`,
      expected: want[j] ?? 'end of scan',
      found: got[j] ?? 'end of scan',
      cycle,
    });
    return;
  }
}

export function checkPrefixEmpty(tally: Tally, tree: Tree, oracle: TreeOracle, bucket: number, prefix: string, cycle: number): void {
  const want = oracle.prefixEmpty(bucket, prefix);
  const got = tree.isPrefixEmpty(prefix);
  if (want === got) return;
  tally.mismatch(want ? 'wrong' : 'lost', {
    tree: oracle.name, key: `isPrefixEmpty(${JSON.stringify(prefix)})`, expected: String(want), found: String(got), cycle,
  });
}

/**
 * Compare the whole tree with the oracle: every oracle key with its exact
 * value and version, no key the oracle lacks, count() agreeing, and a clean
 * verify(). Returns the number of keys compared.
 */
export function compareTree(tally: Tally, tree: Tree, oracle: TreeOracle, cycle: number): number {
  for (const [i, want] of oracle.live) {
    const r = tree.getRecord(keyFor(i));
    const rev = revisionOf(oracle.name, i, r?.value);
    if (r === undefined || rev !== want.rev) {
      tally.mismatch(r === undefined || (rev >= 0 && rev < want.rev) ? 'lost' : 'wrong', {
        tree: oracle.name, key: keyFor(i), expected: `rev ${want.rev}`, found: show(r?.value), cycle,
      });
    } else if (r.version !== want.version) {
      tally.mismatch('wrong', { tree: oracle.name, key: keyFor(i), expected: `version ${want.version}`, found: `version ${r.version}`, cycle });
    }
  }
  let seen = 0;
  for (const e of tree.scan({ keysOnly: true })) {
    seen++;
    const k = e.key.toString('utf8');
    const i = indexOfKey(k);
    if (i < 0 || oracle.get(i) === undefined) {
      tally.mismatch('wrong', { tree: oracle.name, key: k, expected: 'absent', found: 'present in a full scan', cycle });
    }
  }
  if (seen !== oracle.size) {
    tally.mismatch(seen < oracle.size ? 'lost' : 'wrong', {
      tree: oracle.name, key: '(full scan)', expected: `${oracle.size} keys`, found: `${seen} keys`, cycle,
    });
  }
  const count = tree.count();
  if (count !== oracle.size) {
    tally.mismatch('wrong', { tree: oracle.name, key: '(count)', expected: `${oracle.size} keys`, found: `${count} keys`, cycle });
  }
  const report = tree.verify();
  if (!report.ok) {
    tally.verifyErrors += report.errors.length;
    tally.first ??= { tree: oracle.name, key: '(verify)', expected: 'no errors', found: report.errors.slice(0, 3).join('; '), cycle };
  }
  return oracle.size;
}
