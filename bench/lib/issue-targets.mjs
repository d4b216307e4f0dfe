/**
 * The hot-path targets of issue 17 and the reference figures it was filed with, for the
 * "Against the Rust original" section of RESULTS.md. The Rust figures are not measured by
 * this bench: they are the issue's own run of Holt 0.9.2's `benches/main.rs` (the Rust
 * original this project re-creates) on this machine, objstore 20,000 keys, memory mode,
 * medians in one run. Absolute times on this shared 2-core machine move between runs, so
 * the table shows them beside this run's figures without a ratio column between runs.
 */

/**
 * @typedef {object} IssueOp
 * @property {string} op        op kind in this bench
 * @property {string} label     the issue's name for it
 * @property {number} rust      Rust Holt 0.9.2, ns/op (issue 17)
 * @property {number} filed     Holt (TypeScript) when the issue was filed, ns/op (issue 17)
 * @property {number} target    ns/op
 */

/** @type {IssueOp[]} */
export const ISSUE_OPS = [
  { op: 'get', label: 'get', rust: 450, filed: 739, target: 250 },
  { op: 'put', label: 'put', rust: 893, filed: 994, target: 400 },
  { op: 'list', label: 'list 100 keys+values', rust: 25_400, filed: 38_800, target: 10_000 },
  { op: 'list_dir_8', label: 'list_dir (8 rollups)', rust: 6_900, filed: 6_600, target: 1_500 },
  { op: 'metadata_mix', label: 'metadata_mix', rust: 3_700, filed: 8_300, target: 2_000 },
];

/** Every op should be at least this many times faster than each of these peers. */
export const PEER_FACTOR = 3;
export const FACTOR_PEERS = ['lmdb', 'better-sqlite3'];

/** get at 1M objstore keys, memory mode: target and the figure when the issue was filed (ns/op). */
export const GET_1M = { target: 600, filed: 1_683 };
