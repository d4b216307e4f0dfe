import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The machine checks of verified/ at their fast bounds (npm run verify runs the
// full ones). They drive the compiled dist/, which global-setup has just built.
const root = fileURLToPath(new URL('../..', import.meta.url));

function run(script: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    // Show the checker's own report: it names every violation and the path to it.
    throw new Error(`${script} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe('verified/', () => {
  it('every invariant holds on the production build (fast bounds)', () => {
    const out = run('verified/check.mjs', ['--fast']);
    expect(out).toMatch(/^OK: \d+ checkers passed/m);
    // Each invariant is reported with its evidence; none went missing.
    for (const id of ['L1', 'L2', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'F1', 'F2', 'RL1', 'RL2', 'RL3', 'R1', 'R2', 'P1', 'W1', 'W2', 'W3', 'V1', 'V2', 'K1', 'K2', 'H1', 'H2', 'H3', 'C1', 'C2', 'A1', 'A2', 'A3', 'A4']) {
      expect(out).toMatch(new RegExp(`^  ${id}  `, 'm'));
    }
    expect(out).not.toMatch(/REFUTED|VIOLATION/);
  }, 180_000);

  it('the checks catch every planted bug (mutation check)', () => {
    // The test above is the control run: same sources, unmutated, at the same bounds.
    const out = run('verified/mutation.mjs', ['--no-control']);
    expect(out).toMatch(/^OK: all \d+ planted bugs caught/m);
    expect(out).not.toMatch(/NOT CAUGHT/);
  }, 180_000);
});
