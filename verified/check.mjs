// Runs every machine check in verified/ and exits non-zero on any violation.
//
//   npx tsc -p tsconfig.json      # the catalog check imports dist/db/*.js
//   node verified/check.mjs [--depth 8] [--names a,b,c]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkCatalog } from './catalog.mjs';
import { checkNodeShapes } from './node-shapes.mjs';

const { values } = parseArgs({
  options: {
    depth: { type: 'string', default: '8' },
    names: { type: 'string', default: 'a,b,c' },
  },
});
const depth = Number(values.depth);
const names = values.names.split(',').filter((n) => n !== '');
if (!Number.isInteger(depth) || depth < 0 || names.length === 0) {
  console.error('usage: node verified/check.mjs [--depth N] [--names a,b,c]');
  process.exit(2);
}
if (!existsSync(new URL('../dist/db/catalog-state.js', import.meta.url))) {
  console.error('dist/db/catalog-state.js is missing: run `npx tsc -p tsconfig.json` first');
  process.exit(2);
}

const started = performance.now();
const catalog = await checkCatalog({ depth, names });
const shapes = checkNodeShapes();
const ms = Math.round(performance.now() - started);

console.log(
  `catalog: ${catalog.statesExplored} states explored, ${catalog.transitions} transitions checked (depth ${depth}, names ${names.join(', ')})`,
);
console.log(`node shapes: ${shapes.checks} checks, ${shapes.reachable} reachable (kind, count) states`);
const violations = [...catalog.violations.map((v) => `catalog: ${v}`), ...shapes.violations.map((v) => `node shapes: ${v}`)];
for (const v of violations) console.error(`VIOLATION ${v}`);
console.log(violations.length === 0 ? `OK (${ms} ms)` : `FAILED: ${violations.length} violations`);
process.exitCode = violations.length === 0 ? 0 : 1;
