import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DB } from '../../src/index.js';
import type { DBOptions } from '../../src/index.js';
import type { Io } from '../../src/io/types.js';

/** Every tree's full scan as `tree -> [key hex, value hex, version]`, trees sorted by name. */
export function dump(db: DB): Record<string, [string, string, number][]> {
  const out: Record<string, [string, string, number][]> = {};
  for (const { name } of db.listTrees()) {
    const rows: [string, string, number][] = [];
    for (const e of db.openTree(name).scan()) {
      if (e.kind === 'key') rows.push([e.key.toString('hex'), e.value!.toString('hex'), e.version]);
    }
    out[name] = rows;
  }
  return out;
}

/** Asserts that every tree's verify() is ok; returns the reports for the message. */
export function verifyAll(db: DB): string[] {
  const bad: string[] = [];
  for (const { name } of db.listTrees()) {
    const r = db.openTree(name).verify() as unknown as { ok: boolean };
    if (!r.ok) bad.push(`${name}: ${JSON.stringify(r)}`);
  }
  return bad;
}

/** sha256 of every file in `dir` (name -> hash), for "nothing was modified" checks. */
export function hashDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    // A directory (readers/) by its listing: claims come and go with their readers.
    out[name] = statSync(path).isDirectory()
      ? `dir:${readdirSync(path).sort().join(',')}`
      : createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

/** DB.open with the internal Io seam (see DurableStoreOptions in src/db/durable-store.ts). */
export function openWithIo(dir: string, io: Io, options: DBOptions = {}): DB {
  return DB.open(dir, { ...options, ioOverride: io } as DBOptions);
}
