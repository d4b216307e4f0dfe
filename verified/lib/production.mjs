// Where the checks get the code they check: the compiled production modules in
// dist/. Every checker loads them through here, never through a copy of the
// rules, so a change to the engine is a change to what is checked. The mutation
// check (mutation.mjs) points `dist` at a patched copy to show the checks fail.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

export const DEFAULT_DIST = new URL('../../dist/', import.meta.url);

/** The dist directory as a URL ending in '/': `--dist DIR`, else the project's dist/. */
export function distUrl(dir) {
  if (dir === undefined) return DEFAULT_DIST;
  const url = pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`);
  return url;
}

/** Fails early with the build command when dist/ has not been built. */
export function assertBuilt(dist) {
  if (!existsSync(new URL('index.js', dist))) {
    throw new Error(`${fileURLToPath(dist)} has no build: run \`npx tsc -p tsconfig.json\` first`);
  }
}

/** Import one module of the build under check, e.g. load(dist, 'art/insert.js'). */
export function load(dist, rel) {
  return import(new URL(rel, dist).href);
}

/** Several modules merged into one namespace object (their export names do not clash). */
export async function loadAll(dist, rels) {
  const out = {};
  for (const rel of rels) Object.assign(out, await load(dist, rel));
  return out;
}
