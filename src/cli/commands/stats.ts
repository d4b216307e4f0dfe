import type { Command } from '../command.js';
import { withDb } from '../open-db.js';
import { write } from '../output.js';
import { collectAllTreeStats, toPrometheus } from '../../index.js';

/** Flatten nested stats into dotted names, for the readable table. */
function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value === null || typeof value !== 'object') {
    out.push([prefix, String(value)]);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const name = v !== null && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : String(i);
      flatten(v, `${prefix}[${name}]`, out);
    });
    return;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
}

export const stats: Command = {
  name: 'stats',
  summary: 'print runtime statistics (a table, JSON, or Prometheus text)',
  usage: 'holt stats DIR [--prometheus | --json]',
  details: 'The table and JSON include a shape walk of every tree (frames, fill, node counts).',
  flags: {
    prometheus: { type: 'boolean', description: 'Prometheus text exposition format' },
    json: { type: 'boolean', description: 'JSON' },
  },
  args: { min: 1, max: 1 },
  async run({ positionals: [dir], flags }) {
    const text = await withDb(dir!, 'read', (db) => {
      const db_ = db.stats();
      const trees = collectAllTreeStats(db);
      if (flags.prometheus === true) return toPrometheus(db_, trees);
      if (flags.json === true) return JSON.stringify({ db: db_, trees }, null, 2) + '\n';
      const rows: [string, string][] = [];
      flatten({ db: db_, trees }, '', rows);
      const width = Math.max(...rows.map((r) => r[0].length));
      return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
    });
    await write(text);
    return 0;
  },
};
