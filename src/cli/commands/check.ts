import { EXIT_FAILURE, EXIT_OK, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { write } from '../output.js';

export const check: Command = {
  name: 'check',
  summary: 'verify the structure of every tree (exit 1 if any fails)',
  usage: 'holt check DIR',
  details: 'Prints "ok TREE (N keys, F frames)" or "FAIL TREE: ..." per tree.',
  flags: {},
  args: { min: 1, max: 1 },
  async run({ positionals: [dir] }) {
    let failed = 0;
    await withDb(dir!, 'read', async (db) => {
      for (const { name } of db.listTrees()) {
        const report = db.openTree(name).verify();
        if (report.ok) {
          await write(`ok ${name} (${report.keys} keys, ${report.frames} frames)\n`);
        } else {
          failed++;
          await write(`FAIL ${name}: ${report.errors.length} problem(s)\n`);
          for (const e of report.errors) await write(`  ${e}\n`);
        }
      }
    });
    if (failed > 0) process.stderr.write(`holt: ${failed} tree(s) failed verification\n`);
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
