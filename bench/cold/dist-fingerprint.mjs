/**
 * A hash of the Holt build being measured (every .js file under the dist directory), so a
 * report can say whether the data set was built by the same build that reads it. It is
 * informational: reuse is decided by the manifest format (engines/holt.mjs), because dist
 * changes with every unrelated engine commit and a 4M-key rebuild takes minutes.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HOLT_DIST } from '../lib/paths.mjs';

/** @returns {string} 12 hex digits, or 'missing' */
export function distFingerprint() {
  const root = path.dirname(HOLT_DIST);
  if (!fs.existsSync(root)) return 'missing';
  const hash = crypto.createHash('sha256');
  const files = /** @type {string[]} */ (fs.readdirSync(root, { recursive: true })).filter((f) => f.endsWith('.js')).sort();
  for (const file of files) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest('hex').slice(0, 12);
}
