import { UsageError, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { displayBytes, write } from '../output.js';

export const scan: Command = {
  name: 'scan',
  summary: 'print keys (and values) in key order',
  usage: 'holt scan DIR TREE [--prefix P] [--start-after K] [--limit N] [--keys-only]',
  details: 'One line per key: KEY<TAB>VALUE (or just KEY with --keys-only). Bytes that are not UTF-8 print as 0x-hex.',
  flags: {
    prefix: { type: 'string', description: 'only keys starting with P' },
    'start-after': { type: 'string', description: 'only keys after K' },
    limit: { type: 'string', description: 'stop after N keys' },
    'keys-only': { type: 'boolean', description: 'do not print values' },
  },
  args: { min: 2, max: 2 },
  async run({ positionals: [dir, tree], flags }) {
    const limitText = flags.limit as string | undefined;
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new UsageError(`--limit must be a non-negative integer, got ${limitText}`);
    const keysOnly = flags['keys-only'] === true;
    await withDb(dir!, 'read', async (db) => {
      const options = {
        prefix: (flags.prefix as string | undefined) ?? '',
        keysOnly,
        ...(limit === undefined ? {} : { limit }),
        ...(flags['start-after'] === undefined ? {} : { startAfter: flags['start-after'] as string }),
      };
      for (const e of db.openTree(tree!).scan(options)) {
        if (e.kind !== 'key') continue;
        await write(keysOnly ? `${displayBytes(e.key)}\n` : `${displayBytes(e.key)}\t${displayBytes(e.value!)}\n`);
      }
    });
    return 0;
  },
};
