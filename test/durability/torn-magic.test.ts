/**
 * Finding W-1 (docs/VERIFICATION.md), end to end: power fails while the last
 * record is written and the sector boundary falls 1-3 bytes into its 4-byte
 * magic. The segment then holds every earlier record, a strict prefix of the
 * magic, and the writer's preallocated zeros. That is a torn tail: the DB
 * opens with every complete record, read-write and read-only.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB } from '../../src/index.js';
import { loadIo } from '../../src/io/index.js';
import { replayWal } from '../../src/wal/replay.js';
import { testDir } from '../support/temp-dir.js';

const segments = (d: string): string[] => readdirSync(d).filter((x) => x.startsWith('wal-')).sort();

function cloneDir(src: string, dst: string): string {
  cpSync(src, dst, { recursive: true });
  return dst;
}

describe('WAL torn inside a record magic (W-1)', () => {
  it('a DB whose last segment ends in 1-3 magic bytes and then zeros opens with every complete record', async () => {
    const root = testDir('torn-magic');
    const base = join(root, 'base');
    mkdirSync(base);
    const db = DB.open(base, { checkpoint: false });
    const t = db.tree('t');
    for (let i = 0; i < 20; i++) t.put(`k${i}`, `v${i}`);
    db.atomic((b) => { b.tree('t').put('last-a', 'A').delete('k0'); }); // the last record: a batch
    await db.sync();
    db.durable!.abandon(); // a crash: the preallocated zeros stay after the last record
    const seg = segments(base).pop()!;
    const offsets: number[] = [];
    const intact = replayWal({ io: loadIo(), path: join(base, seg), onRecord: (r) => offsets.push(r.offset) });
    const lastStart = offsets[offsets.length - 1]!;
    const lastEnd = intact.endOffset;
    const size = intact.fileSize;
    expect(intact.zeroTailBytes).toBe(size - lastEnd); // preallocated zeros follow the log

    for (let k = 1; k <= 3; k++) {
      for (const readOnly of [false, true]) {
        const d = cloneDir(base, join(root, `cut${k}-${readOnly ? 'ro' : 'rw'}`));
        // The sectors after the cut never reached the disk: zeros from lastStart + k on.
        const bytes = readFileSync(join(d, seg));
        expect(bytes.subarray(lastStart, lastStart + 4).toString('latin1')).toBe('HREC');
        bytes.fill(0, lastStart + k, lastEnd);
        writeFileSync(join(d, seg), bytes);

        const re = DB.open(d, { checkpoint: false, readOnly });
        const tt = re.openTree('t');
        for (let i = 0; i < 20; i++) expect(tt.get(`k${i}`)?.toString(), `cut ${k}, key k${i}`).toBe(`v${i}`);
        expect(tt.has('last-a')).toBe(false);
        expect(tt.count()).toBe(20);
        const open = re.stats().durable!['open'];
        expect(open.tornTailBytes).toBe(k); // the magic bytes that made it
        expect(open.zeroTailBytes).toBe(size - lastStart - k);
        if (readOnly) {
          await re.close();
          continue;
        }
        // Writing after recovery goes to a new segment and survives a reopen.
        tt.put('after', 'x');
        await re.close();
        const again = DB.open(d, { checkpoint: false });
        expect(again.openTree('t').get('after')?.toString()).toBe('x');
        expect(again.openTree('t').get('k0')?.toString()).toBe('v0');
        expect(again.openTree('t').count()).toBe(21);
        await again.close();
      }
    }
  });
});
