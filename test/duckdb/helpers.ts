import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DB } from '../../src/index.js';
import { registerHolt, type RegisterHoltOptions } from '../../src/duckdb/index.js';

export interface Bridge {
  db: DB;
  connection: DuckDBConnection;
  /** Run a query and return its rows as JSON-friendly objects (BIGINT as string, BLOB escaped). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function openBridge(db: DB = DB.memory(), options: RegisterHoltOptions = {}): Promise<Bridge> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await registerHolt(connection, db, options);
  return {
    db,
    connection,
    async rows(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await db.close();
    },
  };
}

/** `n` objstore-style keys spread over `buckets` buckets, with small JSON values. */
export function fillObjects(db: DB, n: number, buckets = 3): void {
  const t = db.tree('objects');
  for (let i = 0; i < n; i++) {
    const b = String(i % buckets).padStart(2, '0');
    t.put(`bucket-${b}/dir${i % 4}/file-${String(i).padStart(5, '0')}.bin`, JSON.stringify({ size: i, etag: `e${i}` }));
  }
}
