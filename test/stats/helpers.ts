import { expect } from 'vitest';

/** A value of `n` bytes that differs per `i` (so frames fill with real data). */
export function value(i: number, n: number): Buffer {
  const b = Buffer.alloc(n, i & 0xff);
  b.writeUInt32BE(i >>> 0, 0);
  return b;
}

export const key = (i: number): string => `bucket/${String(i % 97).padStart(3, '0')}/object-${String(i).padStart(8, '0')}`;

/**
 * `stats` with the process RSS (a reading of the whole process, not a counter
 * of the DB's) matched as any number, for "reading stats changes nothing" checks.
 */
export function anyRss<T extends { durable?: { cache: { rssBytes: number } } | null }>(stats: T): T {
  if (stats.durable === undefined || stats.durable === null) return stats;
  return { ...stats, durable: { ...stats.durable, cache: { ...stats.durable.cache, rssBytes: expect.any(Number) as number } } };
}
