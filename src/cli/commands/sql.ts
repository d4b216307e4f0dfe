import { CliError, UsageError, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { firstLine, withDuckDB } from '../duckdb-session.js';
import { formatTable, write } from '../output.js';

export const sql: Command = {
  name: 'sql',
  summary: 'run a DuckDB query with the holt_* functions (read-only)',
  usage: 'holt sql DIR "QUERY" [--csv | --json]',
  details: [
    'The database is opened read-only; see docs/SQL.md for holt_scan, holt_ls, holt_du, ...',
    'Output: an aligned table (default), CSV with a header (--csv), or a JSON array (--json).',
    'Example: holt sql ./data "SELECT * FROM holt_du(\'objects\', \'\', 1) LIMIT 5"',
  ].join('\n'),
  flags: {
    csv: { type: 'boolean', description: 'CSV with a header row' },
    json: { type: 'boolean', description: 'a JSON array of row objects' },
  },
  args: { min: 2, max: 2 },
  async run({ positionals: [dir, query], flags }) {
    if (flags.csv === true && flags.json === true) throw new UsageError('choose one of --csv and --json');
    await withDb(dir!, 'read', (db) => withDuckDB(db, async (connection) => {
      let reader;
      try {
        reader = await connection.runAndReadAll(query!);
      } catch (e) {
        throw new CliError(firstLine(e instanceof Error ? e.message : String(e)));
      }
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJson();
      if (flags.json === true) {
        await write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const cells = rows.map((r) => columns.map((c) => cellText(r[c])));
      if (flags.csv === true) {
        const csvRows = rows.map((r) => columns.map((c) => (r[c] === null ? '' : cellText(r[c]))));
        const lines = [columns.map(csvField), ...csvRows.map((r) => r.map(csvField))].map((r) => r.join(','));
        await write(lines.join('\n') + '\n');
        return;
      }
      const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => isNumberish(r[columns[i]!])));
      await write(formatTable(columns, cells, numeric));
    }));
    return 0;
  },
};

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function isNumberish(v: unknown): boolean {
  return v === null || typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
