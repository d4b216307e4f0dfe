import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const MAIN = join(import.meta.dirname, '../../dist/cli/main.js');
const scratch = tempDir('cli');
const root = scratch.dir;
afterAll(() => scratch.cleanup());
let n = 0;
const freshDir = (): string => join(root, `db${n++}`);

function holt(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  // A generous timeout: on a loaded 2-core CI machine an import can take many seconds.
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', timeout: 90_000 });
  // A process ended by a signal (timeout or crash) says which in stderr, so a failure names it.
  const stderr = r.signal === null ? r.stderr : `${r.stderr}[ended by ${r.signal}]`;
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}

describe('holt CLI', () => {
  it('put, get, del round trip with exit codes', () => {
    const dir = freshDir();
    expect(holt(['put', dir, 'objects', 'a/b.txt', 'hello'])).toMatchObject({ code: 0, stderr: '' });
    expect(holt(['put', dir, 'objects', 'a/c.txt'], 'from stdin')).toMatchObject({ code: 0 });
    expect(holt(['get', dir, 'objects', 'a/b.txt'])).toEqual({ code: 0, stdout: 'hello', stderr: '' });
    expect(holt(['get', dir, 'objects', 'a/c.txt']).stdout).toBe('from stdin');
    expect(holt(['get', dir, 'objects', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'holt: key not found: nope\n' });
    expect(holt(['get', dir, 'missing-tree', 'k'])).toMatchObject({ code: 1, stderr: 'holt: no tree named "missing-tree"\n' });
    expect(holt(['del', dir, 'objects', 'a/b.txt']).code).toBe(0);
    expect(holt(['del', dir, 'objects', 'a/b.txt'])).toMatchObject({ code: 1, stderr: 'holt: key not found: a/b.txt\n' });
    expect(holt(['get', join(root, 'none'), 't', 'k'])).toMatchObject({ code: 1, stderr: `holt: no database at ${join(root, 'none')}\n` });
  });

  it('usage errors exit 2 with one line on stderr; --help everywhere', () => {
    expect(holt([])).toMatchObject({ code: 2 });
    expect(holt(['frobnicate'])).toMatchObject({ code: 2, stderr: 'holt: unknown command "frobnicate" (see holt --help)\n' });
    expect(holt(['get', 'x'])).toMatchObject({ code: 2, stderr: 'holt: usage: holt get DIR TREE KEY\n' });
    const bad = holt(['scan', 'x', 't', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(holt(['--help'])).toMatchObject({ code: 0 });
    for (const c of ['put', 'get', 'del', 'ls', 'scan', 'trees', 'stats', 'check', 'import', 'export', 'sql']) {
      const h = holt([c, '--help']);
      expect(h).toMatchObject({ code: 0, stderr: '' });
      expect(h.stdout).toMatch(new RegExp(`^usage: holt ${c} `));
    }
  });

  it('ls, scan, trees, stats, check', () => {
    const dir = freshDir();
    const lines = ['a/1', 'a/2', 'a/sub/3', 'b/4'].map((k, i) => JSON.stringify({ key: k, value: 'x'.repeat(i + 1) }));
    const file = join(root, 'in.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    expect(holt(['import', dir, 'fs', file])).toMatchObject({ code: 0 });
    expect(holt(['ls', dir, 'fs', 'a/']).stdout).toBe(`${'1'.padStart(10)} 1\n${'2'.padStart(10)} 2\n${'PRE'.padStart(10)} sub/\n`);
    expect(holt(['ls', dir, 'fs']).stdout).toBe(`${'PRE'.padStart(10)} a/\n${'PRE'.padStart(10)} b/\n`);
    expect(holt(['scan', dir, 'fs', '--prefix', 'a/', '--limit', '2']).stdout).toBe('a/1\tx\na/2\txx\n');
    expect(holt(['scan', dir, 'fs', '--keys-only']).stdout).toBe('a/1\na/2\na/sub/3\nb/4\n');
    expect(holt(['scan', dir, 'fs', '--limit', 'many'])).toMatchObject({ code: 2 });
    expect(holt(['trees', dir]).stdout).toMatch(/^name\s+id\s+keys\n[- ]+\nfs\s+\d+\s+4\n$/);
    expect(JSON.parse(holt(['stats', dir, '--json']).stdout).db.trees[0]).toMatchObject({ name: 'fs', keys: 4 });
    const table = holt(['stats', dir]).stdout;
    expect(table).toMatch(/^db\.trees\[fs\]\.keys\s+4$/m);
    // Which I/O runs and why, and under which runtime.
    expect(table).toMatch(/^db\.durable\.ioBackend\s+(io_uring|threadpool)$/m);
    expect(table).toMatch(/^db\.durable\.ioReason\s+(auto|threadpool asked for|node:fs asked for)\b.+$/m);
    expect(table).toMatch(/^db\.durable\.runtime\s+node \d+\.\d+\.\d+$/m);
    const prom = holt(['stats', dir, '--prometheus']).stdout;
    expect(prom).toMatch(/^# TYPE holt_tree_keys gauge$/m);
    expect(prom).toMatch(/^holt_tree_keys\{tree="fs"\} 4$/m);
    expect(holt(['check', dir])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok fs \(4 keys, \d+ frames\)\n$/) });
  });

  it('imports CSV and reports plain progress when stderr is not a TTY', () => {
    const dir = freshDir();
    const file = join(root, 'in.csv');
    const rows = ['key,value', '"k,1","say ""hi"""', ...Array.from({ length: 3000 }, (_, i) => `bulk/${i},${i}`)];
    writeFileSync(file, rows.join('\n') + '\n');
    const r = holt(['import', dir, 'kv', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/3001 records, .*done in/);
    expect(r.stderr).not.toContain('\r');
    expect(holt(['get', dir, 'kv', 'k,1']).stdout).toBe('say "hi"');
    expect(holt(['get', dir, 'kv', 'bulk/2999']).stdout).toBe('2999');
    const bad = join(root, 'bad.ndjson');
    writeFileSync(bad, '{"key":"a","value":1}\nnot json\n');
    expect(holt(['import', dir, 'kv', bad])).toMatchObject({ code: 1, stderr: 'holt: line 2: not valid JSON\n' });
    expect(holt(['import', dir, 'kv', join(root, 'absent.csv')]).code).toBe(1);
  });

  it('exports NDJSON and Parquet, and runs SQL as table, CSV and JSON', () => {
    const dir = freshDir();
    holt(['put', dir, 'objects', 'b1/x', '{"size":5}']);
    holt(['put', dir, 'objects', 'b1/y', '{"size":7}']);
    holt(['put', dir, 'objects', 'b2/z', '{"size":9}']);
    const nd = holt(['export', dir, 'objects', '--prefix', 'b1/']);
    expect(nd.stdout.trim().split('\n').map((l) => JSON.parse(l).key)).toEqual(['b1/x', 'b1/y']);
    const pq = join(root, 'objects.parquet');
    expect(holt(['export', dir, 'objects', '--format', 'parquet', '--out', pq]).code).toBe(0);
    expect(readFileSync(pq).subarray(0, 4).toString()).toBe('PAR1');
    expect(holt(['export', dir, 'objects', '--format', 'parquet'])).toMatchObject({ code: 2 });
    const back = holt(['sql', dir, `SELECT count(*) AS n FROM read_parquet('${pq}')`, '--csv']);
    expect(back.stdout).toBe('n\n3\n');

    const table = holt(['sql', dir, "SELECT path, keys FROM holt_du('objects', '', 1)"]);
    expect(table.stdout).toBe('path  keys\n----  ----\nb1/      2\nb2/      1\n');
    const json = holt(['sql', dir, "SELECT key, (value::JSON)->>'size' AS size FROM holt_json('objects', 'b2/')", '--json']);
    expect(JSON.parse(json.stdout)).toEqual([{ key: 'b2/z', size: '9' }]);
    const err = holt(['sql', dir, "SELECT * FROM holt_scan('nope', '')"]);
    expect(err.code).toBe(1);
    expect(err.stderr).toBe('holt: Binder Error: holt_scan: no tree named "nope" (TREE_NOT_FOUND)\n');
  });
});
