/**
 * The cold campaign (`npm run bench:cold`, bench/cold/) in its smoke profile: a 40,000-key
 * data set per engine, a few hundred ops per phase. Asserts only that the harness runs to
 * the end and that Holt, better-sqlite3 and lmdb return the same, correct answers; timings
 * are printed, never asserted (the machine is shared). As root it also exercises the
 * memory cgroups and the page-cache drop.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = join(ROOT, 'bench', 'cold', 'run.mjs');
const ENGINES = ['holt', 'better-sqlite3', 'lmdb'];
const PHASES = ['cold', 'steady', 'hot', 'hotRanges', 'scan', 'hotAfter', 'list', 'listDir'];
/** The peers live in bench/node_modules (`npm install --prefix bench`); without them there is nothing to compare. */
const peersInstalled = ['better-sqlite3', 'lmdb'].every((p) => existsSync(join(ROOT, 'bench', 'node_modules', p, 'package.json')));

const { dir, cleanup } = tempDir('cold-smoke');
afterAll(cleanup);

interface Run {
  engine: string;
  failure?: string;
  result?: { complete?: boolean; phases: Record<string, unknown>; answers: { mismatches: number; examples: string[]; digests: Record<string, string> } };
}

describe('bench:cold --smoke', () => {
  it.skipIf(!peersInstalled)('runs every phase for every engine, and all engines give the same correct answers', async () => {
    const json = join(dir, 'cold.json');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(process.execPath, [RUN, '--smoke', '--dir', join(dir, 'data'), '--json', json], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
      );
    });
    console.log(output);
    expect(code, output).toBe(0);
    const results = JSON.parse(readFileSync(json, 'utf8')) as { runs: Run[]; consistency: { same: boolean; differences: string[] } };
    expect(results.runs.map((r) => r.engine)).toEqual(ENGINES);
    for (const run of results.runs) {
      expect(run.failure, run.engine).toBeUndefined();
      expect(run.result?.complete, run.engine).toBe(true);
      expect(Object.keys(run.result?.phases ?? {}), run.engine).toEqual(PHASES);
      expect(run.result?.answers.mismatches, `${run.engine}: ${run.result?.answers.examples.join('; ')}`).toBe(0);
    }
    expect(results.consistency.differences).toEqual([]);
    const digests = results.runs.map((r) => r.result?.answers.digests);
    for (const d of digests) expect(d).toEqual(digests[0]);
  }, 120_000);
});
