import { describe, expect, it } from 'vitest';
import { DB } from '../../src/api/db.js';
import type { Tree } from '../../src/api/tree.js';
import { expectCode } from '../support/thrown.js';

function state(t: Tree): string {
  return JSON.stringify(t.scan().toArray().map((e) => [e.key.toString('hex'), e.kind === 'key' ? [e.value?.toString('hex'), e.version] : null]));
}

describe('argument errors leave the tree unchanged', () => {
  const db = DB.memory();
  const t = db.tree('e');
  t.put('a', '1');
  t.put('a/b', '2');
  const v = t.put('k', 'v');
  const before = state(t);
  const bigKey = 'x'.repeat(16_385);
  const bigUtf8Key = '\u00e9'.repeat(8193); // 16,386 bytes in UTF-8
  const bigValue = Buffer.alloc(128 * 1024 + 1);
  const notBytes = [42, null, undefined, {}, ['a'], true] as unknown as string[];

  const cases: [string, () => unknown, string][] = [
    ['put empty key', () => t.put('', 'v'), 'INVALID_ARGUMENT'],
    ['put empty bytes key', () => t.put(new Uint8Array(0), 'v'), 'INVALID_ARGUMENT'],
    ['get empty key', () => t.get(''), 'INVALID_ARGUMENT'],
    ['delete empty key', () => t.delete(''), 'INVALID_ARGUMENT'],
    ['has empty key', () => t.has(''), 'INVALID_ARGUMENT'],
    ['longestPrefix empty', () => t.longestPrefix(''), 'INVALID_ARGUMENT'],
    ['put key too large', () => t.put(bigKey, 'v'), 'KEY_TOO_LARGE'],
    ['put utf8 key too large', () => t.put(bigUtf8Key, 'v'), 'KEY_TOO_LARGE'],
    ['put bytes key too large', () => t.put(Buffer.alloc(16_385, 1), 'v'), 'KEY_TOO_LARGE'],
    ['get key too large', () => t.get(bigKey), 'KEY_TOO_LARGE'],
    ['put value too large', () => t.put('k', bigValue), 'VALUE_TOO_LARGE'],
    ['put string value too large', () => t.put('k', 'v'.repeat(128 * 1024 + 1)), 'VALUE_TOO_LARGE'],
    ['putIfAbsent value too large', () => t.putIfAbsent('new', bigValue), 'VALUE_TOO_LARGE'],
    ['compareAndPut value too large', () => t.compareAndPut('k', v, bigValue), 'VALUE_TOO_LARGE'],
    ['compareAndPut bad version', () => t.compareAndPut('k', -1, 'x'), 'INVALID_ARGUMENT'],
    ['compareAndPut fractional version', () => t.compareAndPut('k', 1.5, 'x'), 'INVALID_ARGUMENT'],
    ['deleteIfVersion NaN', () => t.deleteIfVersion('k', Number.NaN), 'INVALID_ARGUMENT'],
    ['rename empty target', () => t.rename('k', ''), 'INVALID_ARGUMENT'],
    ['rename empty source', () => t.rename('', 'z'), 'INVALID_ARGUMENT'],
    ['rename target too large', () => t.rename('k', bigKey), 'KEY_TOO_LARGE'],
    ['rename missing', () => t.rename('missing', 'z'), 'NOT_FOUND'],
    ['rename onto existing', () => t.rename('k', 'a'), 'ALREADY_EXISTS'],
    ['count prefix too large', () => t.count(bigKey), 'KEY_TOO_LARGE'],
    ['isPrefixEmpty prefix too large', () => t.isPrefixEmpty(bigKey), 'KEY_TOO_LARGE'],
    ...notBytes.flatMap((bad, i): [string, () => unknown, string][] => [
      [`put non-bytes key #${i}`, () => t.put(bad, 'v'), 'INVALID_ARGUMENT'],
      [`put non-bytes value #${i}`, () => t.put('k', bad), 'INVALID_ARGUMENT'],
      [`get non-bytes #${i}`, () => t.get(bad), 'INVALID_ARGUMENT'],
      [`delete non-bytes #${i}`, () => t.delete(bad), 'INVALID_ARGUMENT'],
      [`rename non-bytes #${i}`, () => t.rename('k', bad), 'INVALID_ARGUMENT'],
      [`putIfAbsent non-bytes value #${i}`, () => t.putIfAbsent('fresh', bad), 'INVALID_ARGUMENT'],
      [`isPrefixEmpty non-bytes #${i}`, () => t.isPrefixEmpty(bad), 'INVALID_ARGUMENT'],
    ]),
  ];

  it.each(cases)('%s', (_name, fn, code) => {
    expectCode(fn, code);
    expect(state(t)).toBe(before);
    expect(t.verify().ok).toBe(true);
  });

  it('the largest key and value are accepted', () => {
    const k = Buffer.alloc(16_384, 0x6b);
    const val = Buffer.alloc(128 * 1024, 7);
    const ver = t.put(k, val);
    expect(t.getRecord(k)).toMatchObject({ version: ver });
    expect(t.get(k)!.equals(val)).toBe(true);
    expect(t.rename(k, 'short')).toBeGreaterThan(ver);
    expect(t.get('short')!.equals(val)).toBe(true);
    expect(t.delete('short')).toBe(true);
    expect(state(t)).toBe(before);
    expect(t.verify().ok).toBe(true);
  });

  it('string and byte keys are the same key; UTF-8 is used for strings', () => {
    const u = db.tree('utf8');
    u.put('h\u00e9', '1');
    expect(u.get(Buffer.from([0x68, 0xc3, 0xa9]))?.toString()).toBe('1');
    u.put(new Uint8Array([0x00, 0xff]), Buffer.from([1, 2]));
    expect(u.get(Buffer.from([0, 255]))).toEqual(Buffer.from([1, 2]));
    // A Uint8Array view with an offset is read from its offset.
    const backing = new Uint8Array([9, 9, 0x68, 0xc3, 0xa9, 9]);
    expect(u.get(backing.subarray(2, 5))?.toString()).toBe('1');
  });
});
