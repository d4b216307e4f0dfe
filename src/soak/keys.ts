/**
 * Path-shaped soak keys and self-checking values.
 *
 * Key i is `bucket-NNN/tenant:TT|path#PP@shard\object/IIIIIIIIII.bin`: every
 * one of the six delimiters `/ : | # @ \` appears, and tenant, path and shard
 * vary independently of the bucket so delimiter rollups at every depth have
 * several distinct common prefixes.
 *
 * A value is fully determined by (tree, key index, revision) and carries a
 * variable-length padding, so reading it back checks the exact bytes, not
 * just a number: a torn or mixed-up value cannot pass.
 */

export const DELIMITERS = ['/', ':', '|', '#', '@', '\\'] as const;
export const BUCKETS = 256;

function mix(i: number): number {
  let h = Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  h ^= h >>> 15;
  return Math.imul(h, 0x165667b1) >>> 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The parts of key i, outermost first; each part ends with its delimiter. */
export function keyParts(i: number): string[] {
  const h = mix(i);
  return [
    `bucket-${pad(i % BUCKETS, 3)}/`,
    `tenant:`,
    `${pad(h % 12, 2)}|`,
    `path#`,
    `${pad((h >>> 8) % 10, 2)}@`,
    `shard${(h >>> 16) % 4}\\`,
    `object/`,
    `${pad(i, 10)}.bin`,
  ];
}

export function keyFor(i: number): string {
  return keyParts(i).join('');
}

export function bucketOf(i: number): number {
  return i % BUCKETS;
}

/** A prefix of key i cut after `depth` parts (1 ≤ depth ≤ 7). */
export function prefixOf(i: number, depth: number): string {
  return keyParts(i).slice(0, depth).join('');
}

/** The key index encoded in a soak key, or -1 when the key is not one of ours. */
export function indexOfKey(key: string): number {
  const m = /^bucket-\d{3}\/.*object\/(\d{10})\.bin$/s.exec(key);
  if (m === null) return -1;
  const i = Number(m[1]);
  return keyFor(i) === key ? i : -1;
}

export function valueFor(tree: string, i: number, rev: number): string {
  const padLen = (mix(i ^ rev) % 97) + ((rev % 7) === 0 ? 400 : 0);
  return `{"tree":"${tree}","idx":${i},"rev":${rev},"size":${i * 4096},"pad":"${'x'.repeat(padLen)}"}`;
}

/** The revision a stored value claims, or -1 when the bytes are not exactly a value this tree and key could hold. */
export function revisionOf(tree: string, i: number, value: Buffer | undefined): number {
  if (value === undefined) return -1;
  const s = value.toString('utf8');
  const m = /"rev":(\d+),/.exec(s);
  if (m === null) return -1;
  const rev = Number(m[1]);
  return valueFor(tree, i, rev) === s ? rev : -1;
}
