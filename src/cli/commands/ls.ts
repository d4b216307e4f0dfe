import type { Command } from '../command.js';
import { withDb } from '../open-db.js';
import { displayBytes, write } from '../output.js';

export const ls: Command = {
  name: 'ls',
  summary: 'list one level under a prefix, like ls (S3 delimiter listing)',
  usage: 'holt ls DIR TREE [PREFIX] [-d DELIM]',
  details: 'Directories (common prefixes) print as "PRE name/", keys as "SIZE name".',
  flags: { delimiter: { type: 'string', short: 'd', description: 'delimiter byte (default "/")' } },
  args: { min: 2, max: 3 },
  async run({ positionals: [dir, tree, prefix = ''], flags }) {
    const delimiter = (flags.delimiter as string | undefined) ?? '/';
    await withDb(dir!, 'read', async (db) => {
      for (const e of db.openTree(tree!).scan({ prefix, delimiter })) {
        const name = displayBytes(e.key.subarray(Buffer.byteLength(prefix)));
        if (e.kind === 'prefix') await write(`${'PRE'.padStart(10)} ${name}\n`);
        else await write(`${String(e.value!.length).padStart(10)} ${name}\n`);
      }
    });
    return 0;
  },
};
