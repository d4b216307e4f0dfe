import { describe, expect, it } from 'vitest';
import { decodeWalHeader, encodeWalHeader, HDR_BASE_SEQ_OFFSET, HDR_CRC_OFFSET, WAL_HEADER_SIZE } from '../../src/wal/wal-header.js';
import { expectCode } from '../support/thrown.js';

describe('WAL header', () => {
  it('round-trips and pins its layout', () => {
    const page = encodeWalHeader({ baseSeq: 123456789012, createdAtMs: 1700000000000 });
    expect(page.length).toBe(WAL_HEADER_SIZE);
    expect(new TextDecoder().decode(page.subarray(0, 4))).toBe('HWAL');
    expect(new DataView(page.buffer).getBigUint64(HDR_BASE_SEQ_OFFSET, true)).toBe(123456789012n);
    expect(decodeWalHeader(page, 'f.wal')).toEqual({ baseSeq: 123456789012, createdAtMs: 1700000000000 });
  });

  it('rejects a damaged header with CORRUPT naming file and offset', () => {
    const page = encodeWalHeader({ baseSeq: 5, createdAtMs: 1 });
    page[HDR_BASE_SEQ_OFFSET] = 6;
    const e = expectCode(() => decodeWalHeader(page, '/x/journal.wal'), 'CORRUPT');
    expect(e.file).toBe('/x/journal.wal');
    expect(e.offset).toBe(HDR_CRC_OFFSET);
    expect(e.message).toContain('/x/journal.wal');
  });
});
