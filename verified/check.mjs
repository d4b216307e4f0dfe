// Runs the machine checks of verified/ against the production build and prints
// every invariant with the states or proofs behind it. Exit code 1 on any
// violation (or a checker that throws), 2 on bad usage.
//
//   npx tsc -p tsconfig.json
//   node verified/check.mjs                 # everything, full bounds
//   node verified/check.mjs --fast          # the subset npm test runs
//   node verified/check.mjs --only wal-framing,smt-crc
//   node verified/check.mjs --dist /tmp/mutant/dist   # another build (mutation.mjs)
//   node verified/check.mjs --stop-early    # end at the first violation
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { assertBuilt, distUrl } from './lib/production.mjs';
import { n, setStopEarly, StopEarly } from './lib/report.mjs';

/** Every checker: name (for --only), module, exported function. */
export const CHECKERS = [
  { name: 'layout', module: './layout.mjs', fn: 'checkLayout' },
  { name: 'node-shapes', module: './node-shapes.mjs', fn: 'checkNodeShapes' },
  { name: 'frame-shapes', module: './frame-shapes.mjs', fn: 'checkFrameShapes' },
  { name: 'routed-layout', module: './routed-layout.mjs', fn: 'checkRoutedLayout' },
  { name: 'rollup', module: './rollup.mjs', fn: 'checkRollup' },
  { name: 'prefix-liveness', module: './prefix-liveness.mjs', fn: 'checkPrefixLiveness' },
  { name: 'wal-framing', module: './wal-framing.mjs', fn: 'checkWalFraming' },
  { name: 'versions', module: './versions.mjs', fn: 'checkVersions' },
  { name: 'catalog', module: './catalog.mjs', fn: 'checkCatalog' },
  { name: 'smt-hysteresis', module: './smt/hysteresis.mjs', fn: 'proveHysteresis' },
  { name: 'smt-crc', module: './smt/crc.mjs', fn: 'proveCrc' },
  { name: 'smt-versions', module: './smt/version-arith.mjs', fn: 'proveVersionArithmetic' },
];

function printReport(report, ms) {
  const status = report.failed === 0 ? 'ok' : `${n(report.failed)} FAILED`;
  console.log(`\n■ ${report.name} (${report.file}): ${n(report.checks)} checks, ${status}, ${(ms / 1000).toFixed(1)} s`);
  for (const inv of report.invariants) {
    console.log(`  ${inv.id}  ${inv.claim}`);
    console.log(`        ${inv.evidence}`);
  }
  for (const v of report.violations) console.log(`  VIOLATION ${v}`);
}

/** Run checkers, print them, return the number that failed. */
export async function runCheckers(selected, options) {
  let failed = 0;
  for (const c of selected) {
    const started = performance.now();
    let report;
    try {
      const mod = await import(c.module);
      report = await mod[c.fn](options);
    } catch (e) {
      if (e instanceof StopEarly) console.log(`\n■ ${c.name}: stopped at the first violation\n  VIOLATION ${e.message}`);
      else console.log(`\n■ ${c.name}: THREW ${e instanceof Error ? e.stack : String(e)}`);
      failed++;
      if (options.stopEarly) break;
      continue;
    }
    printReport(report, performance.now() - started);
    if (report.failed > 0 || report.invariants.length === 0) failed++;
  }
  return failed;
}

/** `node verified/<one>.mjs [--fast] [--dist DIR]`: run one checker alone. */
export async function runOne(fn) {
  const { values } = parseArgs({ options: { fast: { type: 'boolean' }, dist: { type: 'string' } } });
  const dist = distUrl(values.dist);
  assertBuilt(dist);
  const started = performance.now();
  const report = await fn({ dist, fast: values.fast === true });
  printReport(report, performance.now() - started);
  process.exitCode = report.failed === 0 ? 0 : 1;
  const { stopZ3 } = await import('./smt/z3.mjs');
  await stopZ3();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { fast: { type: 'boolean' }, dist: { type: 'string' }, only: { type: 'string' }, 'stop-early': { type: 'boolean' } },
  });
  setStopEarly(values['stop-early'] === true);
  const names = values.only?.split(',').filter((x) => x !== '');
  const unknown = names?.filter((x) => !CHECKERS.some((c) => c.name === x)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown checker ${unknown.join(', ')}; known: ${CHECKERS.map((c) => c.name).join(', ')}`);
    process.exit(2);
  }
  const dist = distUrl(values.dist);
  try {
    assertBuilt(dist);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  // --only keeps its order: mutation.mjs lists the quickest checker to fail first.
  const selected = names === undefined ? CHECKERS : names.map((x) => CHECKERS.find((c) => c.name === x));
  const started = performance.now();
  console.log(`verified/: ${selected.length} checkers over ${fileURLToPath(dist)}${values.fast ? ' (fast bounds)' : ''}`);
  const failed = await runCheckers(selected, { dist, fast: values.fast === true, stopEarly: values['stop-early'] === true });
  const s = ((performance.now() - started) / 1000).toFixed(1);
  console.log(failed === 0 ? `\nOK: ${selected.length} checkers passed (${s} s)` : `\nFAILED: ${failed} of ${selected.length} checkers (${s} s)`);
  process.exitCode = failed === 0 ? 0 : 1;
  const { stopZ3 } = await import('./smt/z3.mjs');
  await stopZ3();
}
