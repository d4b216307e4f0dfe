/**
 * The manifest beside each built data set (`cold-manifest.json` in the engine's directory).
 * A data set is reused when what it was built from matches: key count, seed, the harness's
 * data set version and the engine's version string. It is written last, after the engine
 * closed, so a build killed halfway leaves no manifest and is rebuilt.
 */

import fs from 'node:fs';
import path from 'node:path';

export const MANIFEST_FILE = 'cold-manifest.json';

/**
 * @typedef {object} BuildKey
 * @property {string} engine
 * @property {string} engineVersion
 * @property {number} keys
 * @property {number} seed
 * @property {number} datasetVersion
 *
 * @typedef {BuildKey & { builtAt: string, buildMs: number, diskBytes: number, files: Record<string, number>,
 *   keyBytes: number, valueBytes: number, holtDist?: string }} DataManifest
 */

/**
 * @param {string} dir
 * @returns {DataManifest | undefined}
 */
export function readDataManifest(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {string} dir @param {DataManifest} manifest */
export function writeDataManifest(dir, manifest) {
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Why a built data set cannot be reused, or undefined when it can.
 * @param {DataManifest | undefined} manifest
 * @param {BuildKey} want
 * @returns {string | undefined}
 */
export function staleReason(manifest, want) {
  if (!manifest) return 'no data set';
  for (const field of /** @type {Array<keyof BuildKey>} */ (['engine', 'engineVersion', 'keys', 'seed', 'datasetVersion'])) {
    if (manifest[field] !== want[field]) return `${field} ${manifest[field]} != ${want[field]}`;
  }
  return undefined;
}

/**
 * Bytes of every file in the data set's directory except the manifest (allocated size, so
 * preallocated but unused space counts the way `du` counts it).
 * @param {string} dir
 * @returns {{ total: number, files: Record<string, number> }}
 */
export function diskUsage(dir) {
  /** @type {Record<string, number>} */
  const files = {};
  let total = 0;
  for (const name of fs.readdirSync(dir)) {
    if (name === MANIFEST_FILE) continue;
    const st = fs.statSync(path.join(dir, name));
    if (!st.isFile()) continue;
    files[name] = st.size;
    total += st.blocks * 512;
  }
  return { total, files };
}
