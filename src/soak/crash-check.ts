/**
 * The check a crash parent runs after each SIGKILL.
 *
 * For every key, with `base` the state the previous check observed (already
 * durable: the previous round's verification saw it) and the round's log:
 *
 *   acked(k)  = base(k) with every op of revision ≤ the last ack applied
 *   later(k)  = the state after each op on k with revision > the last ack
 *               (issued, maybe written, never acknowledged)
 *
 * the stored state must be acked(k) or one of later(k): never missing or older
 * when acknowledged ("lost"), never a state nobody wrote ("wrong"), and the
 * value bytes must be exactly the ones written for that revision. In
 * `db-crash` both trees must also show the same state for every key, so no
 * batch is partly present. Keys outside the model must not exist at all.
 * What was observed becomes the next round's base.
 */
import type { DB } from '../index.js';
import type { ParsedAckLog } from './ack-log.js';
import { indexOfKey, keyFor, revisionOf } from './keys.js';
import type { Tally } from './report.js';

/** A key's state: its revision, or null when absent. */
export type KeyState = number | null;

export interface CrashCheckResult {
  /** Acknowledged ops of this round (all verified when the check passed). */
  acked: number;
  /** Keys found in a later, unacknowledged state: writes that made it without an ack. */
  unackedSurvivors: number;
  /** Keys compared. */
  keys: number;
}

function show(s: KeyState | 'malformed'): string {
  return s === null ? 'absent' : s === 'malformed' ? 'a value no op wrote' : `rev ${s}`;
}

export function checkAfterCrash(
  db: DB, treeNames: readonly string[], base: Map<number, KeyState>, log: ParsedAckLog, tally: Tally, round: number,
): CrashCheckResult {
  const acked = new Map(base);
  const later = new Map<number, KeyState[]>();
  let ackedOps = 0;
  for (const op of log.intents) {
    const state = op.kind === 'P' ? op.rev : null;
    if (op.rev <= log.acked) {
      acked.set(op.i, state);
      ackedOps++;
    } else {
      let l = later.get(op.i);
      if (l === undefined) later.set(op.i, (l = []));
      l.push(state);
    }
  }
  const live = new Set(db.listTrees().map((t) => t.name));
  const trees = treeNames.map((name) => ({ name, tree: live.has(name) ? db.openTree(name) : null }));
  const observed = new Map<number, KeyState>();
  let unackedSurvivors = 0;
  const candidates = new Set<number>([...acked.keys(), ...later.keys()]);
  for (const i of candidates) {
    const key = keyFor(i);
    const want = acked.get(i) ?? null;
    let first: KeyState | 'malformed' | undefined;
    for (const { name, tree } of trees) {
      const value = tree?.get(key);
      const rev = value === undefined ? null : revisionOf(name, i, value);
      const got: KeyState | 'malformed' = rev === -1 ? 'malformed' : rev;
      if (first === undefined) first = got;
      else if (got !== first) {
        tally.mismatch('wrong', { tree: treeNames.join('+'), key, expected: `the same state in every tree (${show(first)})`, found: `${name}: ${show(got)}`, cycle: round });
      }
      if (got === want) continue;
      if (got !== 'malformed' && (later.get(i) ?? []).includes(got)) {
        if (name === treeNames[0]) unackedSurvivors++;
        continue;
      }
      const lost = want !== null && (got === null || (got !== 'malformed' && got < want));
      tally.mismatch(lost ? 'lost' : 'wrong', {
        tree: name, key, expected: `${show(want)}${later.has(i) ? ` or a later unacknowledged ${later.get(i)!.map(show).join(' / ')}` : ''}`, found: show(got), cycle: round,
      });
    }
    observed.set(i, first === 'malformed' || first === undefined ? null : first);
  }
  let present = 0;
  for (const s of observed.values()) if (s !== null) present++;
  for (const { name, tree } of trees) {
    if (tree === null) {
      if (present > 0) tally.mismatch('lost', { tree: name, key: '(tree)', expected: 'the tree exists', found: 'missing', cycle: round });
      continue;
    }
    let seen = 0;
    for (const e of tree.scan({ keysOnly: true })) {
      seen++;
      const i = indexOfKey(e.key.toString('utf8'));
      if (i < 0 || !candidates.has(i)) tally.mismatch('wrong', { tree: name, key: e.key.toString('utf8'), expected: 'absent (never written)', found: 'present', cycle: round });
    }
    if (seen !== present || tree.count() !== present) {
      tally.mismatch('wrong', { tree: name, key: '(key count)', expected: `${present}`, found: `scan ${seen}, count() ${tree.count()}`, cycle: round });
    }
    const report = tree.verify();
    if (!report.ok) {
      tally.verifyErrors += report.errors.length;
      tally.first ??= { tree: name, key: '(verify)', expected: 'no errors', found: report.errors.slice(0, 3).join('; '), cycle: round };
    }
  }
  base.clear();
  for (const [i, s] of observed) if (s !== null) base.set(i, s);
  if (tally.ok) tally.ackedVerified += ackedOps;
  return { acked: ackedOps, unackedSurvivors, keys: candidates.size };
}
