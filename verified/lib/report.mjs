// What one checker hands back: the invariants it covered, with the evidence
// (states explored, proofs found), and every violation it saw. A check that
// records no evidence for an invariant is reported as such by check.mjs, so a
// checker cannot silently stop exercising what it claims.

const MAX_KEPT = 25;

/**
 * Thrown by `check` on the first violation when stop-early is on (mutation.mjs
 * runs mutants that way: one violation is all it needs to know).
 */
export class StopEarly extends Error {}
let stopEarly = false;
export function setStopEarly(on) {
  stopEarly = on;
}

export class Report {
  constructor(name, file) {
    this.name = name;
    this.file = file;
    /** @type {{ id: string, claim: string, evidence: string }[]} */
    this.invariants = [];
    /** @type {string[]} */
    this.violations = [];
    this.checks = 0;
    this.failed = 0;
  }

  /**
   * Count one check; keep its message when it fails. `message` may be a
   * function so that hot loops build no strings for checks that pass.
   */
  check(ok, message) {
    this.checks++;
    if (!ok) {
      this.failed++;
      const text = typeof message === 'function' ? message() : message;
      if (this.violations.length < MAX_KEPT) this.violations.push(text);
      if (stopEarly) throw new StopEarly(`${this.name}: ${text}`);
    }
    return ok;
  }

  /** Record that invariant `id` was checked, and what backs it. */
  claim(id, claim, evidence) {
    this.invariants.push({ id, claim, evidence });
  }
}

/** 12345 -> "12,345" */
export function n(x) {
  return x.toLocaleString('en-US');
}
