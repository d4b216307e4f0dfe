import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type KeyValue,
  DROPPED_KEY_ID_DIGITS,
  ENTRY_MAGIC,
  KEY_TAG_DROPPED,
  KEY_TAG_LIVE,
  KEY_TAG_NEXT_ID,
  NEXT_ID_VALUE_SIZE,
  OFF_ID,
  OFF_NAME,
  OFF_NAME_LEN,
  OFF_STATE,
  OFF_VERSION,
  decodeCatalog,
  decodeCatalogEntry,
  decodeCatalogKey,
  decodeCatalogRecord,
  decodeNextIdValue,
  encodeCatalog,
  encodeCatalogEntry,
  encodeCatalogKey,
  encodeNextIdRecord,
} from '../../src/db/catalog-codec.js';
import {
  type CatalogEntry,
  type CatalogOp,
  type CatalogState,
  applyCatalogOp,
  applyCatalogOpOrThrow,
  catalogEntries,
  emptyCatalog,
} from '../../src/db/catalog-state.js';
import { CATALOG_TREE_ID } from '../../src/db/tree-ids.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const corrupt = expect.objectContaining({ code: 'CORRUPT' });

describe('catalog codec: layout', () => {
  it('encodes a live entry as the diagram says', () => {
    const { key, value } = encodeCatalogEntry({ name: 'objects', id: 0x0102, state: 'live' });
    expect(hex(key)).toBe('02' + Buffer.from('objects').toString('hex'));
    expect(Buffer.from(value).toString('latin1', 0, 4)).toBe(ENTRY_MAGIC);
    expect(value[OFF_VERSION]).toBe(1);
    expect(value[OFF_STATE]).toBe(1);
    expect(hex(value.subarray(6, 8))).toBe('0000');
    expect(hex(value.subarray(OFF_ID, OFF_ID + 8))).toBe('0201000000000000');
    expect(value[OFF_NAME_LEN]).toBe(7);
    expect(Buffer.from(value.subarray(OFF_NAME)).toString()).toBe('objects');
    expect(value.length).toBe(17 + 7);
  });

  it('keys a dropped entry by fixed-width hex id and keeps its name in the value', () => {
    const { key, value } = encodeCatalogEntry({ name: 'objects', id: 0xabc, state: 'dropped' });
    expect(key[0]).toBe(KEY_TAG_DROPPED);
    expect(Buffer.from(key.subarray(1)).toString('latin1')).toBe('0000000000000abc');
    expect(key.length).toBe(1 + DROPPED_KEY_ID_DIGITS);
    expect(value[OFF_STATE]).toBe(2);
    expect(decodeCatalogEntry(key, value)).toEqual({ name: 'objects', id: 0xabc, state: 'dropped' });
  });

  it('encodes the next-id record as the diagram says', () => {
    const { key, value } = encodeNextIdRecord(CATALOG_TREE_ID + 1);
    expect(key[0]).toBe(KEY_TAG_NEXT_ID);
    expect(Buffer.from(key).toString('latin1', 1)).toBe('next-tree-id');
    expect(value.length).toBe(NEXT_ID_VALUE_SIZE);
    expect(hex(value)).toBe(Buffer.from('hnxt').toString('hex') + '01000000' + '6364746c6f680000');
    expect(decodeNextIdValue(value)).toBe(CATALOG_TREE_ID + 1);
  });

  it('no catalog key contains a 0x00 byte, and dropped keys sort by id', () => {
    const keys = [
      encodeCatalogKey({ kind: 'next-id' }),
      encodeCatalogKey({ kind: 'live', name: 'a' }),
      encodeCatalogKey({ kind: 'dropped', id: 1 }),
      encodeCatalogKey({ kind: 'dropped', id: 2 ** 40 }),
    ];
    for (const key of keys) expect(key.includes(0)).toBe(false);
    const ids = [3, 17, 256, 4095, 2 ** 33, CATALOG_TREE_ID + 1];
    const sorted = ids
      .map((id) => encodeCatalogKey({ kind: 'dropped', id }))
      .sort(Buffer.compare)
      .map((k) => (decodeCatalogKey(k) as { id: number }).id);
    expect(sorted).toEqual(ids);
    expect(KEY_TAG_LIVE).not.toBe(KEY_TAG_DROPPED);
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => encodeCatalogEntry({ name: '', id: 1, state: 'live' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeCatalogEntry({ name: 'a', id: 0, state: 'live' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeCatalogEntry({ name: 'a', id: CATALOG_TREE_ID, state: 'live' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeCatalogEntry({ name: 'a', id: 1, state: 'gone' as 'live' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeNextIdRecord(CATALOG_TREE_ID)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

const nameArb = fc
  .string({ minLength: 1, maxLength: 60, unit: 'grapheme' })
  .filter((s) => !s.includes('\0') && Buffer.byteLength(s) <= 255);
const idArb = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER - 1 }).filter((id) => id !== CATALOG_TREE_ID);
const entryArb: fc.Arbitrary<CatalogEntry> = fc.record({
  name: nameArb,
  id: idArb,
  state: fc.constantFrom('live' as const, 'dropped' as const),
});

describe('catalog codec: round trips', () => {
  it('entries', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        const { key, value } = encodeCatalogEntry(entry);
        expect(decodeCatalogEntry(key, value)).toEqual(entry);
        expect(decodeCatalogRecord(key, value)).toEqual({ kind: 'entry', entry });
      }),
      { numRuns: 2000 },
    );
  });

  it('edge names: 255 bytes, BOM first, astral characters', () => {
    for (const name of ['x'.repeat(255), '\uFEFFbom', '\u{1F600}'.repeat(63), 'é'.repeat(127) + 'x']) {
      for (const state of ['live', 'dropped'] as const) {
        const { key, value } = encodeCatalogEntry({ name, id: 9, state });
        expect(decodeCatalogEntry(key, value)).toEqual({ name, id: 9, state });
      }
    }
  });

  it('next-id records', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).filter((n) => n !== CATALOG_TREE_ID), (nextId) => {
        const { key, value } = encodeNextIdRecord(nextId);
        expect(decodeCatalogRecord(key, value)).toEqual({ kind: 'next-id', nextId });
      }),
    );
  });

  it('whole catalogs reached by random ops (dropped trees come back not reclaimable)', () => {
    const opArb: fc.Arbitrary<CatalogOp> = fc.oneof(
      fc.constantFrom('a', 'b', 'c').map((name) => ({ kind: 'create' as const, name })),
      fc.constantFrom('a', 'b', 'c').map((name) => ({ kind: 'drop' as const, name })),
      fc.constant({ kind: 'checkpoint' as const }),
      fc.integer({ min: 1, max: 20 }).map((id) => ({ kind: 'finalize' as const, id })),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        let state = emptyCatalog();
        for (const op of ops) {
          const step = applyCatalogOp(state, op);
          if (step.ok) state = step.state;
        }
        const records = encodeCatalog(state);
        for (let i = 1; i < records.length; i++) expect(Buffer.compare(records[i - 1]!.key, records[i]!.key)).toBeLessThan(0);
        const back = decodeCatalog([...records].reverse());
        expect(catalogEntries(back)).toEqual(catalogEntries(state));
        expect(back.nextId).toBe(state.nextId);
        for (const tree of back.dropped.values()) expect(tree.reclaimable).toBe(false);
      }),
    );
  });

  it('no records is a fresh catalog', () => {
    expect(decodeCatalog([])).toEqual(emptyCatalog());
  });
});

describe('catalog codec: garbage is CORRUPT', () => {
  const live = encodeCatalogEntry({ name: 'objects', id: 5, state: 'live' });
  const dropped = encodeCatalogEntry({ name: 'objects', id: 4, state: 'dropped' });
  const next = encodeNextIdRecord(6);
  const patched = (bytes: Uint8Array, at: number, byte: number) => {
    const copy = Buffer.from(bytes);
    copy[at] = byte;
    return copy;
  };

  it.each<[string, Uint8Array, Uint8Array]>([
    ['empty key', new Uint8Array(0), live.value],
    ['unknown key tag', Buffer.from('\x09abc', 'latin1'), live.value],
    ['key tag 0x00', Buffer.from('\x00next-tree-id', 'latin1'), next.value],
    ['next-id key with a wrong suffix', Buffer.from('\x01next-tree-ie', 'latin1'), next.value],
    ['live key without a name', Buffer.of(KEY_TAG_LIVE), live.value],
    ['live key with invalid UTF-8', Buffer.of(KEY_TAG_LIVE, 0xff, 0xfe), live.value],
    ['live key with NUL in the name', Buffer.from('\x02obj\x00ects', 'latin1'), live.value],
    ['dropped key with upper-case hex', Buffer.from('\x030000000000000ABC', 'latin1'), dropped.value],
    ['dropped key too short', Buffer.from('\x03004', 'latin1'), dropped.value],
    ['dropped key id 0', Buffer.from('\x030000000000000000', 'latin1'), dropped.value],
    ['dropped key with the catalog id', encodeCatalogKey({ kind: 'dropped', id: CATALOG_TREE_ID + 1 }).map((b, i) => (i === 16 ? 0x32 : b)), dropped.value],
    ['dropped key beyond safe integers', Buffer.from('\x03ffffffffffffffff', 'latin1'), dropped.value],
    ['empty value', live.key, new Uint8Array(0)],
    ['bad magic', live.key, patched(live.value, 0, 0x48)],
    ['bad version', live.key, patched(live.value, OFF_VERSION, 2)],
    ['unknown state', live.key, patched(live.value, OFF_STATE, 3)],
    ['dropped state under a live key', live.key, patched(live.value, OFF_STATE, 2)],
    ['live state under a dropped key', dropped.key, patched(dropped.value, OFF_STATE, 1)],
    ['reserved byte set', live.key, patched(live.value, 7, 1)],
    ['id 0', live.key, Buffer.from(live.value).fill(0, OFF_ID, OFF_ID + 8)],
    ['id beyond safe integers', live.key, patched(live.value, OFF_ID + 7, 0x01)],
    ['dropped key and value disagree on the id', dropped.key, patched(dropped.value, OFF_ID, 9)],
    ['live key and value disagree on the name', live.key, patched(live.value, OFF_NAME, 0x4f)],
    ['name length too long', live.key, patched(live.value, OFF_NAME_LEN, 8)],
    ['name length too short', live.key, patched(live.value, OFF_NAME_LEN, 6)],
    ['name length 0', live.key, Buffer.from(live.value).subarray(0, OFF_NAME).fill(0, OFF_NAME_LEN)],
    ['invalid UTF-8 in the value name', dropped.key, patched(dropped.value, OFF_NAME, 0xc3)],
    ['truncated value', live.key, live.value.subarray(0, 12)],
    ['next-id value truncated', next.key, next.value.subarray(0, 15)],
    ['next-id value too long', next.key, Buffer.concat([next.value, Buffer.of(0)])],
    ['next-id bad magic', next.key, patched(next.value, 3, 0x41)],
    ['next-id reserved byte set', next.key, patched(next.value, 6, 1)],
    ['next-id 0', next.key, Buffer.from(next.value).fill(0, OFF_ID)],
    ['next-id is the catalog id', next.key, encodeNextIdRecord(CATALOG_TREE_ID + 1).value.map((b, i) => (i === OFF_ID ? 0x62 : b))],
    ['entry value under the next-id key', next.key, live.value],
    ['next-id value under a live key', live.key, next.value],
  ])('%s', (_what, key, value) => {
    expect(() => decodeCatalogRecord(key, value)).toThrow(corrupt);
  });

  it('decodeCatalogEntry refuses the next-id record', () => {
    expect(() => decodeCatalogEntry(next.key, next.value)).toThrow(corrupt);
  });

  it('random bytes never decode to anything but a valid record or CORRUPT', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 40 }), (key, value) => {
        try {
          const record = decodeCatalogRecord(key, value);
          // Whatever decodes must re-encode to the same bytes (the format has one spelling).
          const again = record.kind === 'next-id' ? encodeNextIdRecord(record.nextId) : encodeCatalogEntry(record.entry);
          expect(hex(again.key)).toBe(hex(key));
          expect(hex(again.value)).toBe(hex(value));
        } catch (error) {
          expect(error).toMatchObject({ code: 'CORRUPT' });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('single-byte corruptions of valid records are CORRUPT or re-encode exactly', () => {
    for (const record of [live, dropped, next]) {
      for (const part of ['key', 'value'] as const) {
        const bytes = record[part];
        for (let at = 0; at < bytes.length; at++) {
          for (const byte of [0x00, 0x01, 0x7f, 0x80, 0xff, bytes[at]! ^ 0x20]) {
            if (byte === bytes[at]) continue;
            const kv: KeyValue = part === 'key' ? { key: patched(bytes, at, byte), value: record.value } : { key: record.key, value: patched(bytes, at, byte) };
            try {
              const decoded = decodeCatalogRecord(kv.key, kv.value);
              const again = decoded.kind === 'next-id' ? encodeNextIdRecord(decoded.nextId) : encodeCatalogEntry(decoded.entry);
              expect(hex(again.key) + hex(again.value)).toBe(hex(kv.key) + hex(kv.value));
            } catch (error) {
              expect(error).toMatchObject({ code: 'CORRUPT' });
            }
          }
        }
      }
    }
  });

  describe('decodeCatalog', () => {
    const built = (): CatalogState => {
      let s = emptyCatalog();
      s = applyCatalogOpOrThrow(s, { kind: 'create', name: 'objects' }).state;
      s = applyCatalogOpOrThrow(s, { kind: 'drop', name: 'objects' }).state;
      s = applyCatalogOpOrThrow(s, { kind: 'create', name: 'objects' }).state;
      return s;
    };

    it('round-trips a live tree next to a dropped tree of the same name', () => {
      const records = encodeCatalog(built());
      expect(records.map((r) => r.key[0])).toEqual([KEY_TAG_NEXT_ID, KEY_TAG_LIVE, KEY_TAG_DROPPED]);
      expect(catalogEntries(decodeCatalog(records))).toEqual([
        { name: 'objects', id: 1, state: 'dropped' },
        { name: 'objects', id: 2, state: 'live' },
      ]);
    });

    it.each<[string, (r: KeyValue[]) => KeyValue[]]>([
      ['missing next-id record', (r) => r.filter((x) => x.key[0] !== KEY_TAG_NEXT_ID)],
      ['two next-id records', (r) => [...r, encodeNextIdRecord(9)]],
      ['two live entries with one name', (r) => [...r, encodeCatalogEntry({ name: 'objects', id: 2, state: 'live' })]],
      ['two dropped entries with one id', (r) => [...r, encodeCatalogEntry({ name: 'objects', id: 1, state: 'dropped' })]],
      ['an id at or above nextId', (r) => [...r.filter((x) => x.key[0] !== KEY_TAG_NEXT_ID), encodeNextIdRecord(2)]],
      ['one id used by two trees', (r) => [...r, encodeCatalogEntry({ name: 'other', id: 2, state: 'live' })]],
      ['a dropped tree newer than the live one of its name', (r) => [...r, encodeCatalogEntry({ name: 'objects', id: 2, state: 'dropped' })]],
      ['a garbage record', (r) => [...r, { key: Buffer.of(KEY_TAG_LIVE, 0x61), value: Buffer.of(1, 2, 3) }]],
    ])('%s → CORRUPT', (_what, damage) => {
      expect(() => decodeCatalog(damage(encodeCatalog(built())))).toThrow(corrupt);
    });
  });
});
