/**
 * A synthetic but realistic S3-style catalog: buckets with skewed sizes,
 * nested prefixes, and JSON object metadata (size, etag, content type, time).
 * Deterministic: the same seed always builds the same catalog.
 */
import type { DB } from '../index.js';

const CONTENT_TYPES: Array<[string, string]> = [
  ['.jpg', 'image/jpeg'], ['.png', 'image/png'], ['.json', 'application/json'],
  ['.parquet', 'application/vnd.apache.parquet'], ['.log', 'text/plain'], ['.mp4', 'video/mp4'],
];
const AREAS = ['raw', 'curated', 'exports', 'logs', 'media'];

/** xorshift32: small, fast and reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export interface CatalogShape {
  buckets: number;
  objects: number;
  uploads: number;
}

export function bucketName(i: number): string {
  return `bucket-${String(i).padStart(2, '0')}`;
}

/** Fill trees `buckets`, `objects` and `uploads`; returns total bytes recorded. */
export function buildCatalog(db: DB, shape: CatalogShape, seed = 42): number {
  const random = rng(seed);
  const buckets = db.tree('buckets');
  const objects = db.tree('objects');
  const uploads = db.tree('uploads');
  const start = Date.UTC(2024, 0, 1);
  const counts = new Array<number>(shape.buckets).fill(0);
  let totalBytes = 0;
  for (let i = 0; i < shape.objects; i++) {
    // Zipf-ish skew: low-numbered buckets hold most objects.
    const b = Math.min(shape.buckets - 1, Math.floor(shape.buckets * random() ** 2));
    const area = AREAS[Math.floor(random() * AREAS.length)]!;
    const [ext, type] = CONTENT_TYPES[Math.floor(random() * CONTENT_TYPES.length)]!;
    const day = Math.floor(random() * 365);
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const size = Math.floor(random() ** 3 * 50_000_000) + 100;
    const key = `${bucketName(b)}/${area}/${date.slice(0, 7)}/${date}/obj-${String(i).padStart(7, '0')}${ext}`;
    objects.put(key, JSON.stringify({
      size,
      etag: Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0'),
      contentType: type,
      modified: new Date(start + day * 86_400_000 + Math.floor(random() * 86_400_000)).toISOString(),
    }));
    counts[b]!++;
    totalBytes += size;
  }
  counts.forEach((n, b) => buckets.put(bucketName(b), JSON.stringify({ objects: n, region: b % 2 === 0 ? 'eu-west-1' : 'us-east-1' })));
  for (let i = 0; i < shape.uploads; i++) {
    const b = Math.floor(random() * shape.buckets);
    uploads.put(`${bucketName(b)}/incoming/upload-${String(i).padStart(5, '0')}.bin`, JSON.stringify({
      uploadId: Math.floor(random() * 0xffffffff).toString(36),
      parts: 1 + Math.floor(random() * 20),
      size: Math.floor(random() * 10_000_000),
    }));
  }
  return totalBytes;
}
