import { CliError, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { write } from '../output.js';

export const get: Command = {
  name: 'get',
  summary: 'print the value stored under a key',
  usage: 'holt get DIR TREE KEY',
  details: 'Writes the value bytes to stdout (plus a newline on a terminal). Exit 1 if the key is absent.',
  flags: {},
  args: { min: 3, max: 3 },
  async run({ positionals: [dir, tree, key] }) {
    const value = await withDb(dir!, 'read', (db) => db.openTree(tree!).get(key!));
    if (value === undefined) throw new CliError(`key not found: ${key}`);
    await write(value);
    if (process.stdout.isTTY) await write('\n');
    return 0;
  },
};
