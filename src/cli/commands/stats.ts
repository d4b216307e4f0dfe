import type { Command } from '../command.js';
import { withDb } from '../open-db.js';
import { write } from '../output.js';

export const stats: Command = {
  name: 'stats',
  summary: 'print db.stats() as JSON',
  usage: 'holt stats DIR',
  flags: {},
  args: { min: 1, max: 1 },
  async run({ positionals: [dir] }) {
    const s = await withDb(dir!, 'read', (db) => db.stats());
    await write(JSON.stringify(s, null, 2) + '\n');
    return 0;
  },
};
