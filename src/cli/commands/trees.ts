import type { Command } from '../command.js';
import { withDb } from '../open-db.js';
import { formatTable, write } from '../output.js';

export const trees: Command = {
  name: 'trees',
  summary: 'list the trees with their ids and key counts',
  usage: 'holt trees DIR [--json]',
  flags: { json: { type: 'boolean', description: 'one JSON object per line' } },
  args: { min: 1, max: 1 },
  async run({ positionals: [dir], flags }) {
    const list = await withDb(dir!, 'read', (db) => db.listTrees());
    if (flags.json === true) {
      for (const t of list) await write(JSON.stringify(t) + '\n');
    } else {
      await write(formatTable(['name', 'id', 'keys'], list.map((t) => [t.name, String(t.id), String(t.keys)]), [false, true, true]));
    }
    return 0;
  },
};
