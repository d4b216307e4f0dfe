/**
 * Holt under each runtime a Node user might run it with: Node itself, and Bun
 * and Deno from their npm packages (devDependencies). Each runs the compiled
 * dist/ (built by the global setup) in a child process, as a user's script would.
 *
 * The DuckDB bridge is tried under all three: @duckdb/node-api is a Node-API
 * addon, and Bun 1.4 and Deno 2.9 both load it (the smoke counts rows through
 * holt_scan). io_uring runs only under Node (backend.ts, runtime.ts): under Bun
 * and Deno `auto` gives the thread pool and `io_uring` asked for is refused
 * with ENOTSUP.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ioUringAvailable } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

interface Runtime {
  name: 'node' | 'bun' | 'deno';
  /** The command line that runs a script file. */
  command: string[];
}

const RUNTIMES: Runtime[] = [
  { name: 'node', command: [process.execPath] },
  { name: 'bun', command: [join(root, 'node_modules/.bin/bun')] },
  // -A: the smoke reads and writes files, reads the environment and loads addons.
  { name: 'deno', command: [join(root, 'node_modules/.bin/deno'), 'run', '-A'] },
];

function run(runtime: Runtime, script: string, args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const [bin, ...pre] = runtime.command;
  const child = spawnSync(bin!, [...pre, here(script), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout,
    // No HOLT_IO from the caller unless given: each case says which backend it wants.
    env: { ...process.env, HOLT_IO: '', NO_COLOR: '1', ...env },
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr, error: child.error };
}

function version(runtime: Runtime): string {
  const [bin] = runtime.command;
  return spawnSync(bin!, ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? '?';
}

for (const runtime of RUNTIMES) {
  describe.runIf(existsSync(runtime.command[0]!))(`under ${runtime.name} (${version(runtime)})`, () => {
    const expectedBackend = runtime.name === 'node' && ioUringAvailable() ? 'io_uring' : 'threadpool';

    it('opens a file DB, writes 100,000 keys, syncs, scans with delimiters, snapshots, reopens with every key, reads through holt/io and queries from DuckDB', () => {
      const child = run(runtime, 'smoke.mjs', [testDir('runtime-smoke'), '--duckdb']);
      expect(child.error).toBeUndefined();
      expect(child.stderr).not.toMatch(/panic|Segmentation|error/i);
      expect(child.status).toBe(0);
      const line = child.stdout.split('\n').find((l) => l.startsWith('ok '));
      expect(line, child.stdout + child.stderr).toBeDefined();
      const result = JSON.parse(line!.slice(3)) as Record<string, unknown>;
      expect(result).toMatchObject({ keys: 100_000, io: 'native', ioBackend: expectedBackend, ioKind: 'native', duckdb: 'holt_scan counted 10000' });
      // Off Node the answer comes without setting up a ring (which would panic Bun).
      expect(result['ioUringAvailable']).toBe(expectedBackend === 'io_uring');
      expect(result['runtime']).toMatch(new RegExp(`^${runtime.name} \\d`));
      if (runtime.name !== 'node') expect(result['ioReason']).toContain(`auto: ${runtime.name} `);
    }, 180_000);

    // The default backend, each one asked for, and node:fs: a pending sync keeps the process alive.
    for (const holtIo of ['', 'threadpool', 'fs', ...(runtime.name === 'node' && ioUringAvailable() ? ['io_uring'] : [])]) {
      it(`a script awaiting a sync prints and exits 0 (HOLT_IO=${holtIo === '' ? '(unset)' : holtIo})`, () => {
        const child = run(runtime, 'pending-sync.mjs', [join(testDir('runtime-pending'), 'f')], { HOLT_IO: holtIo }, 30_000);
        expect(child.error).toBeUndefined();
        const kind = holtIo === 'fs' ? 'fs' : 'native';
        const backend = holtIo === '' ? expectedBackend : holtIo === 'fs' ? 'threadpool' : holtIo;
        expect(child.stdout.trim()).toBe(`synced ${kind} ${backend} 7 pending`);
        expect(child.status).toBe(0);
      });
    }

    if (runtime.name !== 'node') {
      it('refuses HOLT_IO=io_uring with ENOTSUP and the reason, without touching the ring', () => {
        const child = run(runtime, 'pending-sync.mjs', [join(testDir('runtime-refused'), 'f')], { HOLT_IO: 'io_uring' }, 30_000);
        expect(child.stdout.trim()).toMatch(new RegExp(`^refused ENOTSUP: io_uring is not available here: ${runtime.name} \\d`));
        expect(child.stderr).not.toMatch(/panic/i);
        expect(child.status).toBe(3);
      });
    }
  });
}
