/**
 * The engines of the cold campaign and the interface each implements. These are not the
 * adapters of `npm run bench` (bench/adapters/): a cold run needs a build step that leaves a
 * reusable data set on disk, an open of that data set with the campaign's cache settings,
 * a listing that continues after a rollup (`startAfter`), and a full scan, none of which
 * the in-process adapters have.
 *
 * Every call is synchronous except build, open and close, so the measurement loop times
 * each call on its own without a promise in between.
 */

/**
 * @typedef {import('../dataset.mjs').DataSet} DataSet
 *
 * @typedef {object} BuildOptions
 * @property {DataSet} data
 * @property {Uint32Array} order  key indices in load order
 * @property {number} buildCacheMB  Holt's cache while loading (the build is not measured)
 *
 * @typedef {object} OpenOptions
 * @property {number} cacheMB  Holt's cacheMB; the peers' caches are fixed by the campaign
 *
 * @typedef {object} ScanTotals
 * @property {number} rows
 * @property {number} keyBytes
 * @property {number} valueBytes
 *
 * @typedef {object} Handle
 * @property {(key: string) => Uint8Array | undefined} get
 * @property {(prefix: string, n: number) => Array<[string | Uint8Array, Uint8Array]>} list
 *   the first n keys with values under prefix
 * @property {(prefix: string, delimiter: string, n: number, startAfter?: string) => Array<string | Uint8Array>} listDir
 *   the first n entries of a delimiter listing under prefix, after the rollup startAfter
 * @property {() => ScanTotals} scanAll  every key and value, in key order
 * @property {() => Record<string, unknown> | undefined} engineStats  engine telemetry, read between phases
 * @property {() => void | Promise<void>} close
 *
 * @typedef {object} ColdEngine
 * @property {string} name
 * @property {string} summary  one line for COLD.md
 * @property {(options: OpenOptions) => Record<string, string>} settings  cache, journal and layout
 *   settings of a measured open, for COLD.md
 * @property {() => Promise<unknown>} load  imports the engine's modules (native addon included), so
 *   that reading them from disk is not counted as the cold open
 * @property {() => Promise<string>} version  what must match for a built data set to be reused
 * @property {(dir: string, options: BuildOptions) => Promise<void>} build  loads and closes
 * @property {(dir: string, options: OpenOptions) => Promise<Handle>} open
 */

/** Report order: Holt first. */
export const COLD_ENGINES = ['holt', 'better-sqlite3', 'lmdb'];

/**
 * @param {string} name
 * @returns {Promise<ColdEngine>}
 */
export async function loadColdEngine(name) {
  if (!COLD_ENGINES.includes(name)) throw new Error(`unknown engine ${name} (have ${COLD_ENGINES.join(', ')})`);
  const module = await import(`./${name}.mjs`);
  return module.default;
}
