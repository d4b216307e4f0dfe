/**
 * The engine registry and the one interface every adapter implements.
 *
 * An adapter wraps one engine the way a careful Node user would drive it: prepared
 * statements, binary values, the engine's native range seek. Peers that have no rename
 * do it as a read plus delete+put in one transaction.
 *
 * Methods may be synchronous or return promises. `syncOps` names the methods that are
 * synchronous, so the worker times them in a plain loop instead of awaiting each call.
 */

/**
 * @typedef {import('../workloads/index.mjs').Key} Key
 * @typedef {'memory' | 'hot' | 'durable'} Mode
 *
 * @typedef {object} OpenOptions
 * @property {Mode} mode  memory: no files; hot: persistent, no fsync per commit;
 *   durable: fsync before each commit returns
 * @property {string} dir  an empty directory the engine may use (file-backed modes and
 *   tmpfs-backed memory mode)
 * @property {'string' | 'binary'} keyType
 * @property {boolean} [stringKeys]  with string keys, hand listed keys back as strings too
 *   (the --gc-between-reps regime); engines that return strings anyway ignore it
 *
 * @typedef {object} Adapter
 * @property {Set<string>} syncOps  names of the methods below that never return a promise
 * @property {(options: OpenOptions) => void | Promise<void>} open
 * @property {(keys: Key[], values: Buffer[]) => void | Promise<void>} load
 *   bulk insert of the data set (untimed), in large transactions where the engine has them
 * @property {(key: Key) => Buffer | undefined | Promise<Buffer | undefined>} get
 * @property {(key: Key, value: Buffer) => unknown} put
 * @property {(key: Key) => unknown} delete
 * @property {(from: Key, to: Key) => unknown} rename  overwrite semantics
 * @property {(prefix: Key, n: number) => Array<[Key, Buffer]> | Promise<Array<[Key, Buffer]>>} list
 *   the first n keys and values under prefix, in key order
 * @property {(prefix: Key, delimiter: string, n: number) => Key[] | Promise<Key[]>} listDir
 *   the first n entries of a delimiter listing: rollups (prefix + segment + delimiter)
 *   and keys with no delimiter after the prefix, in key order
 * @property {() => void | Promise<void>} close
 * @property {() => Record<string, string | number | boolean>} settings
 *   durability, cache and layout settings, printed in RESULTS.md
 *
 * @typedef {object} Engine
 * @property {string} name
 * @property {boolean} holt  Holt itself (ratios are computed against these)
 * @property {boolean} [usesHolt]  a peer that runs on Holt's build (holt-level): skipped with Holt
 * @property {Mode[]} modes
 * @property {string} summary  one line for the report
 * @property {() => Promise<Adapter>} create  loads the engine module lazily
 */

/** Engine names in report order: Holt first, then peers (holt-level next to classic-level), then the baseline. */
export const ENGINE_NAMES = ['holt-memory', 'holt-file', 'lmdb', 'better-sqlite3', 'classic-level', 'holt-level', 'js-baseline'];

/**
 * @param {string} name
 * @returns {Promise<Engine>}
 */
export async function loadEngine(name) {
  if (!ENGINE_NAMES.includes(name)) {
    throw new Error(`unknown engine ${name} (have ${ENGINE_NAMES.join(', ')})`);
  }
  const module = await import(`./${name}.mjs`);
  return module.default;
}

/**
 * The Holt engine that peers are compared against in a given mode.
 * @param {Mode} mode
 * @returns {string}
 */
export function holtEngineFor(mode) {
  return mode === 'memory' ? 'holt-memory' : 'holt-file';
}
