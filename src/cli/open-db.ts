/**
 * Opening the database a command names. Commands that only read open it
 * read-only (a shared lock, so they work next to a running writer) and refuse
 * a directory that does not exist instead of creating an empty database there.
 */
import { existsSync } from 'node:fs';
import { DB } from '../index.js';
import { CliError } from './command.js';

export async function withDb<T>(dir: string, mode: 'read' | 'write', fn: (db: DB) => Promise<T> | T): Promise<T> {
  if (mode === 'read' && !existsSync(dir)) throw new CliError(`no database at ${dir}`);
  const db = DB.open(dir, mode === 'read' ? { readOnly: true } : {});
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
