/**
 * Smoke of every soak mode: run the compiled harness (dist/soak/main.js) as a
 * child process for a few seconds and expect exit code 0 with a PASS verdict.
 * The long runs are in docs/TESTING.md.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../dist/soak/main.js', import.meta.url));

interface Outcome {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

function soak(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

function verdictOf(o: Outcome): Record<string, unknown> {
  const v = o.lines[o.lines.length - 1];
  expect(v, o.stderr).toBeDefined();
  return v!;
}

describe('holt soak', () => {
  it('normal: randomized single-tree run with oracle checks, reopen and verify each cycle', async () => {
    const o = await soak(['--mode', 'normal', '--duration', '4', '--ops', '12000', '--keys', '3000', '--seed', '1']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'normal', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
    expect(v['cycles']).toBeGreaterThanOrEqual(1);
    expect(o.lines.some((l) => l['mode'] === 'normal' && typeof l['keysVerified'] === 'number')).toBe(true);
  });

  it('db-normal: four trees, cross-tree batches, scratch tree create/drop', async () => {
    const o = await soak(['--mode', 'db-normal', '--duration', '4', '--ops', '12000', '--keys', '3000', '--seed', '2']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'db-normal', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
  });

  it('crash: SIGKILLed writer, every acknowledged op survives', async () => {
    const o = await soak(['--mode', 'crash', '--duration', '6', '--keys', '500', '--kill-min-ms', '250', '--kill-max-ms', '700', '--seed', '3']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'crash', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
    expect(v['kills']).toBeGreaterThanOrEqual(2);
    expect(v['ackedVerified']).toBeGreaterThan(0);
  });

  it('db-crash: SIGKILLed cross-tree writer, batches all or nothing', async () => {
    const o = await soak(['--mode', 'db-crash', '--duration', '6', '--keys', '500', '--kill-min-ms', '250', '--kill-max-ms', '700', '--seed', '4']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'db-crash', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
    expect(v['kills']).toBeGreaterThanOrEqual(2);
    expect(v['ackedVerified']).toBeGreaterThan(0);
  });

  it('bulk-crash: SIGKILLed writer loading long synchronous runs with a small cache (its frames spill), every acknowledged put survives', async () => {
    const o = await soak(['--mode', 'bulk-crash', '--duration', '8', '--keys', '400000', '--cache-mb', '2', '--kill-min-ms', '1500', '--kill-max-ms', '4000', '--seed', '6']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'bulk-crash', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
    expect(v['kills']).toBeGreaterThanOrEqual(2);
    expect(Number(v['ops'])).toBeGreaterThan(10_000);
  }, 60_000);

  it('live-readers: a writer and four reader processes, one SIGKILLed and replaced at a time; every state a reader sees is committed', async () => {
    const o = await soak(['--mode', 'live-readers', '--duration', '6', '--seed', '5']);
    const v = verdictOf(o);
    expect(v, o.stderr).toMatchObject({ verdict: 'PASS', mode: 'live-readers', lost: 0, wrong: 0 });
    expect(o.code).toBe(0);
    expect(v['kills']).toBeGreaterThanOrEqual(2);
    const final = o.lines.find((l) => l['final'] === true);
    expect(final, o.stderr).toMatchObject({ verify: true });
    expect(Number(final!['step'])).toBeGreaterThan(0);
  });

  it('refuses to reset a directory it did not create, and rejects unknown flags', async () => {
    const { dir, cleanup } = tempDir('not-a-soak');
    try {
      writeFileSync(join(dir, 'precious.txt'), 'keep me');
      const o = await soak(['--mode', 'normal', '--dir', dir, '--reset', '--duration', '1']);
      expect(o.code).toBe(2);
      expect(o.stderr).toContain('refusing');
      const bad = await soak(['--mode', 'normal', '--bogus']);
      expect(bad.code).toBe(2);
    } finally {
      cleanup();
    }
  });
});
