// The mutation check: do the checks catch real bugs in the production code?
//
// Compiles src/ into a scratch directory, runs the listed checkers on it
// unchanged (the control: they must pass there, so a failure below is the
// mutant's doing), then for each planted bug of mutants.mjs patches the
// compiled module, reruns the checkers it names in a child process (fast
// bounds, stopping at the first violation, 120 s at most) and restores the
// file. Every mutant must be caught; a pattern that no longer matches its
// module fails the check too.
//
//   node verified/mutation.mjs
//   node verified/mutation.mjs --no-control   # npm test: check.mjs --fast has just passed on the same sources
//   node verified/mutation.mjs --only crc-poly,seek-prefix
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTANTS } from './mutants.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = fileURLToPath(new URL('check.mjs', import.meta.url));
const TIMEOUT_MS = 120_000;

function run(args) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [check, ...args], { cwd: root, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  return { ...r, ms: performance.now() - started };
}

/** A fresh build of src/ in a scratch project whose node_modules and native addon are the real ones. */
function scratchBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'holt-mutants-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const link of ['node_modules', 'build', 'prebuilds']) {
    try { symlinkSync(join(root, link), join(dir, link)); } catch { /* absent: the checks that need it will say so */ }
  }
  mkdirSync(join(dir, 'dist'));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(dir, 'dist')], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  return dir;
}

function patch(text, from, to, count) {
  const found = text.split(from).length - 1;
  if (found === 0 || (count !== undefined && found !== count)) return { error: `pattern ${JSON.stringify(from)} found ${found} times${count !== undefined ? `, expected ${count}` : ''}` };
  return { text: text.split(from).join(to) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { 'no-control': { type: 'boolean' }, only: { type: 'string' } } });
  const ids = values.only?.split(',');
  const mutants = ids === undefined ? MUTANTS : MUTANTS.filter((m) => ids.includes(m.id));
  const bound = ['--fast'];
  const started = performance.now();
  const dir = scratchBuild();
  const dist = join(dir, 'dist');
  let failures = 0;
  try {
    const checkers = [...new Set(mutants.flatMap((m) => m.checks))];
    console.log(`mutation check: ${mutants.length} planted bugs in ${new Set(mutants.map((m) => m.module)).size} modules, build in ${dist}`);
    if (values['no-control']) {
      console.log('control: skipped (--no-control)');
    } else {
      const control = run(['--dist', dist, '--only', checkers.join(','), ...bound]);
      if (control.status !== 0) {
        console.log(control.stdout, control.stderr);
        console.log(`FAILED: the unmutated build does not pass ${checkers.join(', ')}: no mutant result would mean anything`);
        process.exit(1);
      }
      console.log(`control: the unmutated build passes ${checkers.join(', ')} (${(control.ms / 1000).toFixed(1)} s)`);
    }
    for (const m of mutants) {
      const file = join(dist, m.module);
      let original;
      try {
        original = readFileSync(file, 'utf8');
      } catch {
        console.log(`  ${m.id.padEnd(22)} FAILED: ${m.module} does not exist any more: update verified/mutants.mjs`);
        failures++;
        continue;
      }
      let p = patch(original, m.from, m.to, m.count);
      for (const extra of m.also ?? []) if (p.text !== undefined) p = patch(p.text, extra.from, extra.to, extra.count);
      if (p.error !== undefined) {
        console.log(`  ${m.id.padEnd(22)} FAILED: in ${m.module}, ${p.error}: update verified/mutants.mjs`);
        failures++;
        continue;
      }
      writeFileSync(file, p.text);
      let r;
      try {
        r = run(['--dist', dist, '--only', m.checks.join(','), '--stop-early', ...bound]);
      } finally {
        writeFileSync(file, original);
      }
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      const evidence = (out.match(/VIOLATION ([^\n]*)/) ?? out.match(/THREW ([^\n]*)/) ?? [])[1];
      if (r.error?.code === 'ETIMEDOUT') {
        console.log(`  ${m.id.padEnd(22)} caught (timed out after ${TIMEOUT_MS / 1000} s): ${m.bug}`);
      } else if (r.status === 0) {
        console.log(`  ${m.id.padEnd(22)} NOT CAUGHT by ${m.checks.join(', ')}: ${m.bug} (${m.module})`);
        failures++;
      } else {
        console.log(`  ${m.id.padEnd(22)} caught in ${(r.ms / 1000).toFixed(1)} s: ${m.bug} (${m.module})`);
        console.log(`  ${''.padEnd(22)} ${(evidence ?? `exit code ${r.status}`).slice(0, 220)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const s = ((performance.now() - started) / 1000).toFixed(1);
  console.log(failures === 0 ? `OK: all ${mutants.length} planted bugs caught (${s} s)` : `FAILED: ${failures} of ${mutants.length} planted bugs not caught or not planted (${s} s)`);
  process.exitCode = failures === 0 ? 0 : 1;
}
