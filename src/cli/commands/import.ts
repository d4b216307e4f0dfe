import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError, type Command } from '../command.js';
import { withDb } from '../open-db.js';
import { Progress } from '../progress.js';
import { parseCsvLine, parseNdjsonLine, type KeyValue } from '../records.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'load key/value records from an NDJSON or CSV file',
  usage: 'holt import DIR TREE FILE [--format ndjson|csv]',
  details: [
    'NDJSON: one {"key": "...", "value": ...} per line (non-string values are stored as JSON text).',
    'CSV: key,value per line; a "key,value" header line is skipped.',
    'The format follows the file extension (.csv, otherwise NDJSON) unless --format is given.',
    'Progress goes to stderr: a bar with rate and ETA on a terminal, plain lines otherwise.',
  ].join('\n'),
  flags: { format: { type: 'string', description: 'ndjson or csv' } },
  args: { min: 3, max: 3 },
  async run({ positionals: [dir, tree, file], flags }) {
    const format = (flags.format as string | undefined) ?? (file!.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv, got ${format}`);
    const size = statSync(file!).size;
    const parse = format === 'csv' ? parseCsvLine : parseNdjsonLine;
    const progress = new Progress('records', size);
    let count = 0;
    let bytes = 0;
    await withDb(dir!, 'write', async (db) => {
      const t = db.tree(tree!);
      const lines = createInterface({ input: createReadStream(file!), crlfDelay: Infinity });
      let lineNo = 0;
      for await (const line of lines) {
        lineNo++;
        bytes += Buffer.byteLength(line) + 1;
        if (format === 'csv' && lineNo === 1 && /^key,value\r?$/i.test(line)) continue;
        const rec: KeyValue | null = parse(line, lineNo);
        if (rec === null) continue;
        t.put(rec.key, rec.value);
        count++;
        if ((count & 1023) === 0) progress.update(count, bytes);
      }
      await db.sync();
    });
    progress.finish(count, size);
    return 0;
  },
};
