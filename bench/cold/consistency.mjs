/**
 * Cross-engine check: every phase's answer digest must be the same in every engine that
 * finished that phase. Each engine already checked its answers against the data set
 * (answers.mjs); this catches a harness bug that makes all of them check the wrong thing
 * in different ways.
 */

/**
 * @param {import('./figures.mjs').EngineRun[]} runs
 * @returns {{ same: boolean, differences: string[] }}
 */
export function compareAnswers(runs) {
  /** @type {Map<string, Map<string, string[]>>} phase -> digest -> engines */
  const byPhase = new Map();
  for (const run of runs) {
    for (const [phase, digest] of Object.entries(run.result?.answers?.digests ?? {})) {
      const digests = byPhase.get(phase) ?? new Map();
      digests.set(/** @type {string} */ (digest), [...(digests.get(/** @type {string} */ (digest)) ?? []), run.engine]);
      byPhase.set(phase, digests);
    }
  }
  /** @type {string[]} */
  const differences = [];
  for (const [phase, digests] of byPhase) {
    if (digests.size > 1) differences.push(`${phase}: ${[...digests.values()].map((engines) => engines.join('+')).join(' vs ')}`);
  }
  return { same: differences.length === 0, differences };
}
