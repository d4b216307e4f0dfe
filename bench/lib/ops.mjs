/**
 * Op kinds and their seeded streams. A stream is built before timing starts (keys and
 * values are picked, fresh keys generated), so the timed loop only calls the engine.
 * Every engine process builds the identical stream from the same seed.
 *
 * One "op" is what a user would call one operation: `create_delete` is a create plus
 * its delete, `rename` is a round trip (a -> b, b -> a), `list` returns up to 100 keys
 * with values, `list_dir_8` / `list_dir_all` return 8 / all rollups of the workload.
 */

import { createRng, deriveSeed } from './prng.mjs';

/**
 * @typedef {import('../adapters/index.mjs').Adapter} Adapter
 * @typedef {import('../workloads/index.mjs').Workload} Workload
 * @typedef {import('../workloads/index.mjs').Key} Key
 *
 * @typedef {any} SyncAdapter  an Adapter whose methods in `uses` return plain values
 *
 * @typedef {object} DataSet
 * @property {Key[]} keys  loaded keys
 * @property {Buffer[]} pool  values to draw updates from
 *
 * @typedef {object} Stream
 * @property {Key[]} key
 * @property {Key[]} other    fresh key (create_delete) or rename target
 * @property {Buffer[]} value
 * @property {Uint8Array} code  metadata_mix / mixed op selector
 * @property {string[]} prefix
 *
 * @typedef {object} OpKind
 * @property {string} name
 * @property {string[]} uses   adapter methods it calls
 * @property {boolean} listing needs a workload with listings
 * @property {boolean} writes  changes the data set (run in durable mode)
 * @property {(s: Stream, i: number, w: Workload, d: DataSet, rng: import('./prng.mjs').Rng) => void} fill
 *   draws op i of the stream
 * @property {(a: SyncAdapter, s: Stream, w: Workload) => (i: number) => number} sync
 *   used when every method in `uses` is synchronous for the adapter
 * @property {(a: Adapter, s: Stream, w: Workload) => (i: number) => Promise<number>} async
 */

const LIST_N = 100;
const LIST_DIR_N = 8;

/** @param {{ length: number } | undefined | null} v */
const len = (v) => (v ? v.length : 0);

/** Metadata mix codes, with weights in percent. */
const MIX = /** @type {const} */ ([
  ['get', 45],
  ['put', 20],
  ['list', 10],
  ['list_dir', 10],
  ['create_delete', 10],
  ['rename', 5],
]);
const [M_GET, M_PUT, M_LIST, M_LIST_DIR, M_CREATE, M_RENAME] = [0, 1, 2, 3, 4, 5];

/** @param {number} draw in [0, 100) */
function mixCode(draw) {
  let acc = 0;
  for (let c = 0; c < MIX.length; c++) {
    acc += MIX[c][1];
    if (draw < acc) return c;
  }
  return MIX.length - 1;
}

/** @type {(s: Stream, i: number, d: DataSet, rng: import('./prng.mjs').Rng) => void} */
const pickKey = (s, i, d, rng) => {
  s.key[i] = d.keys[rng.int(d.keys.length)];
};
/** @type {(s: Stream, i: number, d: DataSet, rng: import('./prng.mjs').Rng) => void} */
const pickValue = (s, i, d, rng) => {
  s.value[i] = d.pool[rng.int(d.pool.length)];
};

/** @type {OpKind[]} */
export const OP_KINDS = [
  {
    name: 'get',
    uses: ['get'],
    listing: false,
    writes: false,
    fill: (s, i, w, d, rng) => pickKey(s, i, d, rng),
    sync: (a, s) => (i) => len(a.get(s.key[i])),
    async: (a, s) => async (i) => len(await a.get(s.key[i])),
  },
  {
    name: 'put',
    uses: ['put'],
    listing: false,
    writes: true,
    fill: (s, i, w, d, rng) => {
      pickKey(s, i, d, rng);
      pickValue(s, i, d, rng);
    },
    sync: (a, s) => (i) => (a.put(s.key[i], s.value[i]), 1),
    async: (a, s) => async (i) => (await a.put(s.key[i], s.value[i]), 1),
  },
  {
    name: 'mixed',
    uses: ['get', 'put'],
    listing: false,
    writes: true,
    fill: (s, i, w, d, rng) => {
      s.code[i] = rng.int(2);
      pickKey(s, i, d, rng);
      pickValue(s, i, d, rng);
    },
    sync: (a, s) => (i) => (s.code[i] === 0 ? len(a.get(s.key[i])) : (a.put(s.key[i], s.value[i]), 1)),
    async: (a, s) => async (i) => (s.code[i] === 0 ? len(await a.get(s.key[i])) : (await a.put(s.key[i], s.value[i]), 1)),
  },
  {
    name: 'create_delete',
    uses: ['put', 'delete'],
    listing: false,
    writes: true,
    fill: (s, i, w, d, rng) => {
      s.other[i] = w.freshKey(rng);
      pickValue(s, i, d, rng);
    },
    sync: (a, s) => (i) => (a.put(s.other[i], s.value[i]), a.delete(s.other[i]) ? 1 : 0),
    async: (a, s) => async (i) => (await a.put(s.other[i], s.value[i]), (await a.delete(s.other[i])) ? 1 : 0),
  },
  {
    name: 'rename',
    uses: ['rename'],
    listing: false,
    writes: true,
    fill: (s, i, w, d, rng) => {
      pickKey(s, i, d, rng);
      s.other[i] = w.renameTarget(s.key[i]);
    },
    sync: (a, s) => (i) => (a.rename(s.key[i], s.other[i]), a.rename(s.other[i], s.key[i]), 1),
    async: (a, s) => async (i) => (await a.rename(s.key[i], s.other[i]), await a.rename(s.other[i], s.key[i]), 1),
  },
  {
    name: 'list',
    uses: ['list'],
    listing: true,
    writes: false,
    fill: (s, i, w, d, rng) => {
      s.prefix[i] = w.listPrefix(rng);
    },
    sync: (a, s) => (i) => a.list(s.prefix[i], LIST_N).length,
    async: (a, s) => async (i) => (await a.list(s.prefix[i], LIST_N)).length,
  },
  listDirKind('list_dir_8', () => LIST_DIR_N),
  listDirKind('list_dir_all', (w) => /** @type {any} */ (w.listDir).all),
  {
    name: 'metadata_mix',
    uses: ['get', 'put', 'list', 'listDir', 'delete', 'rename'],
    listing: true,
    writes: true,
    fill: (s, i, w, d, rng) => {
      const code = mixCode(rng.int(100));
      s.code[i] = code;
      pickKey(s, i, d, rng);
      pickValue(s, i, d, rng);
      if (code === M_CREATE) s.other[i] = w.freshKey(rng);
      if (code === M_RENAME) s.other[i] = w.renameTarget(s.key[i]);
      if (code === M_LIST) s.prefix[i] = w.listPrefix(rng);
    },
    sync: (a, s, w) => {
      const { prefix, delimiter } = /** @type {NonNullable<Workload['listDir']>} */ (w.listDir);
      return (i) => {
        switch (s.code[i]) {
          case M_GET:
            return len(a.get(s.key[i]));
          case M_PUT:
            a.put(s.key[i], s.value[i]);
            return 1;
          case M_LIST:
            return a.list(s.prefix[i], LIST_N).length;
          case M_LIST_DIR:
            return len(a.listDir(prefix, delimiter, LIST_DIR_N));
          case M_CREATE:
            a.put(s.other[i], s.value[i]);
            return a.delete(s.other[i]) ? 1 : 0;
          default:
            a.rename(s.key[i], s.other[i]);
            a.rename(s.other[i], s.key[i]);
            return 1;
        }
      };
    },
    async: (a, s, w) => {
      const { prefix, delimiter } = /** @type {NonNullable<Workload['listDir']>} */ (w.listDir);
      return async (i) => {
        switch (s.code[i]) {
          case M_GET:
            return len(await a.get(s.key[i]));
          case M_PUT:
            await a.put(s.key[i], s.value[i]);
            return 1;
          case M_LIST:
            return (await a.list(s.prefix[i], LIST_N)).length;
          case M_LIST_DIR:
            return len(await a.listDir(prefix, delimiter, LIST_DIR_N));
          case M_CREATE:
            await a.put(s.other[i], s.value[i]);
            return (await a.delete(s.other[i])) ? 1 : 0;
          default:
            await a.rename(s.key[i], s.other[i]);
            await a.rename(s.other[i], s.key[i]);
            return 1;
        }
      };
    },
  },
];

/**
 * @param {string} name
 * @param {(w: Workload) => number} count rollups to take
 * @returns {OpKind}
 */
function listDirKind(name, count) {
  return {
    name,
    uses: ['listDir'],
    listing: true,
    writes: false,
    fill: () => {},
    sync: (a, s, w) => {
      const { prefix, delimiter } = /** @type {NonNullable<Workload['listDir']>} */ (w.listDir);
      const n = count(w);
      return () => len(a.listDir(prefix, delimiter, n));
    },
    async: (a, s, w) => {
      const { prefix, delimiter } = /** @type {NonNullable<Workload['listDir']>} */ (w.listDir);
      const n = count(w);
      return async () => len(await a.listDir(prefix, delimiter, n));
    },
  };
}

/** @type {Map<string, OpKind>} */
const BY_NAME = new Map(OP_KINDS.map((k) => [k.name, k]));

/**
 * @param {string} name
 * @returns {OpKind}
 */
export function getOpKind(name) {
  const kind = BY_NAME.get(name);
  if (!kind) throw new Error(`unknown op ${name}`);
  return kind;
}

/**
 * Builds the seeded stream of `total` ops of one kind.
 * @param {OpKind} kind
 * @param {Workload} workload
 * @param {DataSet} data
 * @param {number} total
 * @param {number} seed
 * @returns {Stream}
 */
export function buildStream(kind, workload, data, total, seed) {
  const rng = createRng(deriveSeed(seed, `${workload.name}/${kind.name}`));
  /** @type {Stream} */
  const stream = {
    key: new Array(total),
    other: new Array(total),
    value: new Array(total),
    code: new Uint8Array(total),
    prefix: new Array(total),
  };
  for (let i = 0; i < total; i++) kind.fill(stream, i, workload, data, rng);
  return stream;
}
