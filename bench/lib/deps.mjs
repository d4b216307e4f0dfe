/**
 * The peer engines are dependencies of bench/package.json, not of the library, so a
 * plain `npm install` of Holt stays fast. They are installed on first use.
 */

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, HOLT_DIST } from './paths.mjs';

const PEERS = ['lmdb', 'better-sqlite3', 'classic-level'];

/** @param {string} name */
const installedVersion = (name) => {
  const manifest = path.join(BENCH_DIR, 'node_modules', name, 'package.json');
  return fs.existsSync(manifest) ? String(JSON.parse(fs.readFileSync(manifest, 'utf8')).version) : undefined;
};

/**
 * Runs `npm install --prefix bench` when a peer is missing. Throws if npm fails.
 * @param {(line: string) => void} log
 */
export function ensurePeers(log) {
  if (PEERS.every((name) => installedVersion(name) !== undefined)) return;
  log('bench: installing peer engines into bench/node_modules (first run only; better-sqlite3 may build from source, ~2 min)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm install --prefix bench failed (exit ${result.status})`);
}

/** @returns {Record<string, string>} peer name -> installed version */
export function peerVersions() {
  /** @type {Record<string, string>} */
  const versions = {};
  for (const name of PEERS) versions[name] = installedVersion(name) ?? 'missing';
  return versions;
}

/**
 * Whether Holt's build can be benchmarked: dist/index.js exists and exports DB.
 * @returns {Promise<string | undefined>} undefined when usable, otherwise the reason
 */
export async function holtUnavailableReason() {
  if (!fs.existsSync(HOLT_DIST)) return 'dist/index.js not built (npm run build)';
  try {
    const holt = await import(pathToFileURL(HOLT_DIST).href);
    return typeof holt.DB === 'function' ? undefined : 'dist/index.js does not export DB yet';
  } catch (error) {
    return `dist/index.js failed to load: ${/** @type {Error} */ (error).message}`;
  }
}
