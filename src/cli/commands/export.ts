import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { withDuckDB, sqlString } from '../duckdb-session.js';
import { write } from '../output.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a tree (or a prefix of it) as NDJSON or Parquet',
  usage: 'holt export DIR TREE [--prefix P] [--format ndjson|parquet] [--out FILE]',
  details: [
    'NDJSON lines are {"key": ..., "value": ..., "version": N}; a value that is not UTF-8 is',
    'written as "value_base64" instead. Parquet (key VARCHAR, key_bytes BLOB, value BLOB,',
    'version BIGINT) goes through DuckDB\'s holt_scan and needs --out.',
  ].join('\n'),
  flags: {
    prefix: { type: 'string', description: 'only keys starting with P' },
    format: { type: 'string', description: 'ndjson (default) or parquet' },
    out: { type: 'string', description: 'output file (default stdout for ndjson)' },
  },
  args: { min: 2, max: 2 },
  async run({ positionals: [dir, tree], flags }) {
    const format = (flags.format as string | undefined) ?? 'ndjson';
    const prefix = (flags.prefix as string | undefined) ?? '';
    const out = flags.out as string | undefined;
    if (format === 'parquet') {
      if (out === undefined) throw new UsageError('--format parquet needs --out FILE');
      await withDb(dir!, 'read', async (db) => {
        db.openTree(tree!);
        await withDuckDB(db, (c) => c.run(
          `COPY (SELECT key, key_bytes, value, version FROM holt_scan(${sqlString(tree!)}, ${sqlString(prefix)})) ` +
          `TO ${sqlString(resolve(out))} (FORMAT parquet)`,
        ));
      });
      return 0;
    }
    if (format !== 'ndjson') throw new UsageError(`--format must be ndjson or parquet, got ${format}`);
    const file = out === undefined ? null : createWriteStream(out);
    const emit = file === null ? write : async (s: string) => { if (!file.write(s)) await once(file, 'drain'); };
    try {
      await withDb(dir!, 'read', async (db) => {
        for (const e of db.openTree(tree!).scan({ prefix })) {
          if (e.kind !== 'key') continue;
          const text = e.value!.toString('utf8');
          const rec = Buffer.from(text, 'utf8').equals(e.value!)
            ? { key: e.key.toString('utf8'), value: text, version: e.version }
            : { key: e.key.toString('utf8'), value_base64: e.value!.toString('base64'), version: e.version };
          await emit(JSON.stringify(rec) + '\n');
        }
      });
    } finally {
      if (file !== null) {
        file.end();
        await once(file, 'close');
      }
    }
    return 0;
  },
};
