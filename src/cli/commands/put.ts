import { type Command, UsageError } from '../command.js';
import { withDb } from '../open-db.js';
import { write } from '../output.js';

export const put: Command = {
  name: 'put',
  summary: 'store a value under a key (creates the tree if needed)',
  usage: 'holt put DIR TREE KEY [VALUE]',
  details: 'Without VALUE the value is read from stdin. Prints the new version.',
  flags: {},
  args: { min: 3, max: 4 },
  async run({ positionals: [dir, tree, key, value] }) {
    let data: Buffer | string;
    if (value !== undefined) data = value;
    else if (process.stdin.isTTY) throw new UsageError('no VALUE given and stdin is a terminal');
    else data = await readStdin();
    const version = await withDb(dir!, 'write', (db) => db.tree(tree!).put(key!, data));
    await write(`${version}\n`);
    return 0;
  },
};

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
