/**
 * `holt sql DIR` loads the extension next to the in-process bridge: one query
 * can read the files natively (holt_read) and through the open DB (holt_scan).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { testDir } from '../support/temp-dir.js';

const MAIN = join(import.meta.dirname, '../../dist/cli/main.js');

describe('holt sql', () => {
  it('has holt_read and holt_read_trees beside holt_scan and holt_trees', async () => {
    const dir = testDir('duckext-cli');
    const db = await DB.open(dir);
    const t = db.createTree('objects');
    for (let i = 0; i < 500; i++) t.put(`a/${i}`, `v${i}`);
    await db.close();
    const query = `SELECT (SELECT count(*) FROM holt_read('${dir}', 'objects', 'a/')) AS native,
      (SELECT count(*) FROM holt_scan('objects', 'a/')) AS bridge,
      (SELECT keys FROM holt_read_trees('${dir}')) AS keys, (SELECT count(*) FROM holt_trees()) AS trees`;
    const r = spawnSync(process.execPath, [MAIN, 'sql', dir, query, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([{ native: '500', bridge: '500', keys: '500', trees: '1' }]);
  }, 100_000);
});
