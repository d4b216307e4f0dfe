import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DB } from '../../src/index.js';
import type { DBOptions } from '../../src/index.js';
import type { Io } from '../../src/io/types.js';
import { injectIoFaults } from '../support/fault-io.js';

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

/** The HoltError a synchronous call throws (fails the test if it does not throw). */
export function thrown(fn: () => unknown): { code?: string; file?: string; offset?: number; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; file?: string; offset?: number; message: string };
  }
  throw new Error('expected a throw');
}

/** The HoltError a promise rejects with (fails the test if it resolves). */
export async function rejected(p: Promise<unknown>): Promise<{ code?: string; file?: string; offset?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; file?: string; offset?: number; message: string };
  }
  throw new Error('expected a rejection');
}

/** Which file kinds a fault applies to, and the errno to inject on their writes. */
export interface WriteFaults {
  /** errno for pwrite / pwriteMany (and their Async twins) on matching files; undefined = healthy. */
  errno?: string;
  /** Which files: a predicate on the path. */
  match: (path: string) => boolean;
  /** Injected failures so far. */
  injected: number;
}

const WRITE_CALLS = new Set(['pwrite', 'pwriteAsync', 'pwriteMany', 'pwriteManyAsync']);

/**
 * An Io whose write calls on files matching `faults.match` throw an IoError
 * with `faults.errno` while it is set (we cannot fill a real disk in a test).
 */
export function faultyIo(base: Io, faults: WriteFaults): Io {
  return injectIoFaults(base, (call, path) => {
    if (faults.errno === undefined || !WRITE_CALLS.has(call) || !faults.match(path)) return undefined;
    faults.injected++;
    return faults.errno;
  });
}

/** DB.open with the internal Io seam (see DurableStoreOptions in src/db/durable-store.ts). */
export function openWithIo(dir: string, io: Io, options: DBOptions = {}): DB {
  return DB.open(dir, { ...options, ioOverride: io } as DBOptions);
}

/** Deterministic PRNG (mulberry32) so failures replay. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
