/**
 * The one rename verb (src/art/rename.ts) on a bare TreeCore: what each
 * outcome code means, and that the moved record keeps its value bytes (short
 * and long) under the new version. Tree.rename, atomic batches and WAL replay
 * all call it, so their edge cases are these.
 */
import { describe, expect, it } from 'vitest';
import { insert } from '../../src/art/insert.js';
import { outFound, findLeaf } from '../../src/art/lookup.js';
import { leafRecord } from '../../src/art/read-leaf.js';
import {
  checkRename, RENAME_APPLIES, RENAME_EXISTS, RENAME_MISSING, RENAME_SAME_KEY, renameRecord, outRenameSource,
} from '../../src/art/rename.js';
import { TreeCore } from '../../src/art/tree-core.js';
import { leafVersion } from '../../src/layout/leaf.js';
import { MemoryPager } from '../../src/store/memory-pager.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function treeWith(records: Record<string, string>): TreeCore {
  const core = TreeCore.create(1, new MemoryPager());
  let v = 1;
  for (const [k, val] of Object.entries(records)) insert(core, b(k), b(k).length, b(val), b(val).length, v++);
  return core;
}

function record(core: TreeCore, key: string): { key: string; value: string; version: number } | undefined {
  if (!findLeaf(core, b(key), b(key).length)) return undefined;
  const r = leafRecord(outFound.frame, outFound.leaf);
  return { key: r.key.toString(), value: r.value.toString(), version: r.version };
}

describe('rename', () => {
  it('moves the record to the new key under the new version', () => {
    const long = 'x'.repeat(5000);
    const core = treeWith({ 'a/1': 'one', 'a/2': long });
    expect(renameRecord(core, b('a/1'), 3, b('b/1'), 3, false, 10)).toBe(RENAME_APPLIES);
    expect(renameRecord(core, b('a/2'), 3, b('b/2'), 3, false, 11)).toBe(RENAME_APPLIES);
    expect(record(core, 'a/1')).toBeUndefined();
    expect(record(core, 'b/1')).toEqual({ key: 'b/1', value: 'one', version: 10 });
    expect(record(core, 'b/2')).toEqual({ key: 'b/2', value: long, version: 11 });
    expect(core.keyCount).toBe(2);
  });

  it('reports a missing source, a rename onto itself and a taken destination, changing nothing', () => {
    const core = treeWith({ a: '1', b: '2' });
    const before = core.mutations;
    expect(checkRename(core, b('zz'), 2, b('c'), 1, false)).toBe(RENAME_MISSING);
    expect(checkRename(core, b('a'), 1, b('a'), 1, false)).toBe(RENAME_SAME_KEY);
    expect(leafVersion(outRenameSource.frame, outRenameSource.leaf)).toBe(1);
    expect(renameRecord(core, b('a'), 1, b('b'), 1, false, 9)).toBe(RENAME_EXISTS);
    expect(core.mutations).toBe(before);
    expect(record(core, 'b')).toEqual({ key: 'b', value: '2', version: 2 });
  });

  it('with overwrite, replaces a live destination', () => {
    const core = treeWith({ a: '1', b: '2' });
    expect(renameRecord(core, b('a'), 1, b('b'), 1, true, 9)).toBe(RENAME_APPLIES);
    expect(record(core, 'a')).toBeUndefined();
    expect(record(core, 'b')).toEqual({ key: 'b', value: '1', version: 9 });
    expect(core.keyCount).toBe(1);
  });
});
