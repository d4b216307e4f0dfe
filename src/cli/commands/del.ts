import { CliError, type Command } from '../command.js';
import { withDb } from '../open-db.js';

export const del: Command = {
  name: 'del',
  summary: 'delete a key',
  usage: 'holt del DIR TREE KEY',
  details: 'Exit 1 if the key (or tree) does not exist.',
  flags: {},
  args: { min: 3, max: 3 },
  async run({ positionals: [dir, tree, key] }) {
    const existed = await withDb(dir!, 'write', (db) => db.openTree(tree!).delete(key!));
    if (!existed) throw new CliError(`key not found: ${key}`);
    return 0;
  },
};
