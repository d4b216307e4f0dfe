/**
 * abstract-level's own test suite against HoltLevel, as part of `npm test`.
 *
 * The tape suite runs unmodified in a child process (abstract-suite-runner.mjs, on the
 * dist/ that global-setup compiles), once over file databases and once over DB.memory().
 * Its rows come back as JSON; each tape test becomes one vitest test named with its
 * assertion count, holding one vitest assertion per tape assertion, so the vitest summary
 * counts the suite test by test and a failing tape assertion fails its vitest test.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface TapeAssert {
  type: 'assert';
  test: number;
  ok: boolean;
  name: string;
  operator: string;
  skip: boolean;
  todo: boolean;
  actual?: string;
  expected?: string;
  at?: string | null;
  error?: string | null;
}

interface TapeTest {
  id: number;
  name: string;
  parent: number | null;
  /** 'db' for the suite's run on the database, 'sublevel' for its second run on a sublevel. */
  pass: 'db' | 'sublevel';
  asserts: TapeAssert[];
  ended: boolean;
}

interface SuiteRun {
  exitCode: number | null;
  tests: TapeTest[];
  stderr: string;
}

const RUNNER = fileURLToPath(new URL('./abstract-suite-runner.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runSuite(variant: 'file' | 'memory'): Promise<SuiteRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, variant], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, tests: parseRows(stdout), stderr }));
  });
}

function parseRows(stdout: string): TapeTest[] {
  const tests = new Map<number, TapeTest>();
  let firstName: string | undefined;
  let pass: TapeTest['pass'] = 'db';
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('@@TAPE ')) continue;
    const row = JSON.parse(line.slice('@@TAPE '.length)) as { type: string; id?: number; name?: string; parent?: number | null; test?: number };
    if (row.type === 'test') {
      // The suite ends by running itself again on a sublevel, starting from its first test.
      if (firstName === undefined) firstName = row.name;
      else if (row.name === firstName && row.parent === null) pass = 'sublevel';
      tests.set(row.id!, { id: row.id!, name: row.name!, parent: row.parent ?? null, pass, asserts: [], ended: false });
    } else if (row.type === 'assert') {
      tests.get(row.test!)?.asserts.push(row as TapeAssert);
    } else if (row.type === 'end') {
      const t = tests.get(row.test!);
      if (t) t.ended = true;
    }
  }
  return [...tests.values()];
}

function describeFailure(a: TapeAssert): string {
  return `${a.name} (${a.operator}): expected ${a.expected ?? '?'}, got ${a.actual ?? '?'}${a.at ? ` at ${a.at}` : ''}${a.error ? ` ${a.error}` : ''}`;
}

// Both runs start at once (each is one process; together about as long as the slower one).
const [fileRun, memoryRun] = await Promise.all([runSuite('file'), runSuite('memory')]);

for (const [variant, run] of [['file', fileRun], ['memory', memoryRun]] as const) {
  describe(`abstract-level test suite on HoltLevel (${variant})`, () => {
    const asserts = run.tests.reduce((n, t) => n + t.asserts.length, 0);
    const failed = run.tests.reduce((n, t) => n + t.asserts.filter((a) => !a.ok && !a.todo).length, 0);

    it(`ran to the end: ${run.tests.length} tape tests, ${asserts} assertions, ${failed} failed`, () => {
      expect(run.exitCode, run.stderr).toBe(0);
      // Both passes ran (the suite repeats itself on a sublevel), and no test was left hanging.
      expect(run.tests.some((t) => t.pass === 'sublevel')).toBe(true);
      expect(run.tests.filter((t) => !t.ended).map((t) => t.name)).toEqual([]);
      expect(failed).toBe(0);
    });

    for (const t of run.tests) {
      it(`[${t.pass}] #${t.id} ${t.name} (${t.asserts.length} assertion${t.asserts.length === 1 ? '' : 's'})`, () => {
        expect(t.ended, 'the tape test ended').toBe(true);
        for (const a of t.asserts) {
          if (a.todo) continue;
          expect.soft(a.ok, describeFailure(a)).toBe(true);
        }
      });
    }
  });
}
