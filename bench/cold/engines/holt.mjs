/**
 * Holt as the cold campaign drives it: built with a large cache (the load is not what is
 * measured), checkpointed and closed; reopened with the campaign's `cacheMB` and background
 * checkpoints off (the campaign never writes, and a timer firing mid-phase would only add
 * noise). Listings and the full scan use `tree.scan`.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importHolt } from '../../adapters/holt-tree.mjs';
import { HOLT_DIST } from '../../lib/paths.mjs';

const TREE = 'objects';

/**
 * What a data set depends on: the package version and the manifest format the build in
 * HOLT_DIST writes, read from a throwaway database (the format constant is not exported).
 * A rebuild after a format bump is then automatic; a same-format engine change is not (see
 * `--rebuild`), which keeps a 4M-key data set across engine commits that do not touch disk.
 */
async function version() {
  const { DB } = await importHolt();
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(path.dirname(HOLT_DIST)), 'package.json'), 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holt-cold-probe-'));
  try {
    const db = DB.open(dir, { cacheMB: 1 });
    db.tree(TREE).put('k', 'v');
    await db.close();
    const manifest = fs.readFileSync(path.join(dir, 'MANIFEST'));
    return `holt ${pkg.version} manifest-format ${manifest.readUInt32LE(4)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** @type {import('./index.mjs').ColdEngine} */
export default {
  name: 'holt',
  summary: 'Holt: ART in 512 KiB frames, buffer pool bounded by cacheMB, 4 KiB read-index pages for cold point reads',
  settings: ({ cacheMB }) => ({
    cache: `cacheMB ${cacheMB} (frame pool, plus a page cache of an eighth of it)`,
    open: 'DB.open(dir, { cacheMB, checkpoint: false }), one tree',
    build: 'one put per key in load order (fast durability), then checkpoint and close',
    reads: 'O_DIRECT (the OS page cache is not used for data)',
  }),
  load: importHolt,
  version,

  async build(dir, { data, order, buildCacheMB }) {
    const { DB } = await importHolt();
    const db = DB.open(dir, { cacheMB: buildCacheMB });
    const tree = db.tree(TREE);
    for (let n = 0; n < order.length; n++) tree.put(data.key(order[n]), data.value(order[n]));
    await db.checkpoint();
    await db.close();
  },

  async open(dir, { cacheMB }) {
    const { DB } = await importHolt();
    const db = DB.open(dir, { cacheMB, checkpoint: false });
    const tree = db.tree(TREE);
    return {
      get: (key) => tree.get(key),
      list(prefix, n) {
        /** @type {Array<[Uint8Array, Uint8Array]>} */
        const rows = [];
        for (const e of tree.scan({ prefix, limit: n })) rows.push([e.key, e.value]);
        return rows;
      },
      listDir(prefix, delimiter, n, startAfter) {
        /** @type {Uint8Array[]} */
        const entries = [];
        const options = startAfter === undefined ? { prefix, delimiter, keysOnly: true, limit: n } : { prefix, delimiter, keysOnly: true, limit: n, startAfter };
        for (const e of tree.scan(options)) entries.push(e.key);
        return entries;
      },
      scanAll() {
        let rows = 0;
        let keyBytes = 0;
        let valueBytes = 0;
        for (const e of tree.scan()) {
          rows++;
          keyBytes += e.key.length;
          valueBytes += e.value.length;
        }
        return { rows, keyBytes, valueBytes };
      },
      engineStats: () => db.stats().durable?.cache,
      close: () => db.close(),
    };
  },
};
