// Writer throughput with live readers attached (issue 16): the writer alone,
// then beside four reader processes, alternated so drift on a shared machine
// falls on both sides. One line per configuration:
//
//   npm run bench:readers [-- --seconds 10 --rounds 2 --pause 0,100 --pin]
//
// --pause     what each reader waits between refresh+query rounds (ms; 0 = back to back)
// --pin       writer on CPU 0, readers on CPU 1 (taskset): measures interference
//             (locks, I/O, cache), not the CPU the readers' own work takes
// --wal-bytes the writer's checkpoint threshold (default 4 MiB)
// --save      also write the summary into bench/RESULTS.md (its bench:readers section)
// HOLT_BENCH_DIST points at another build's dist/index.js (to compare builds).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : fallback; };
const seconds = Number(opt('seconds', '10'));
const rounds = Number(opt('rounds', '2'));
const pauses = opt('pause', '0,100').split(',').map(Number);
const walBytes = Number(opt('wal-bytes', String(4 * 1024 * 1024)));
const pin = args.includes('--pin') && cpus().length >= 2;
const READERS = 4;
const dist = process.env.HOLT_BENCH_DIST ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const distUrl = pathToFileURL(dist).href;
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

function start(script, argv, cpu) {
  const cmd = cpu === undefined ? process.execPath : 'taskset';
  const full = cpu === undefined ? [script, ...argv] : ['-c', String(cpu), process.execPath, script, ...argv];
  const child = spawn(cmd, full, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (l) => { lines.push(l); waiters.splice(0).forEach((w) => w()); });
  const closed = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const line = async (pred) => {
    for (;;) {
      const hit = lines.find(pred);
      if (hit !== undefined) return hit;
      await Promise.race([new Promise((r) => waiters.push(r)), closed.then((code) => { throw new Error(`${script} exited ${code}: ${lines.join(' | ')}`); })]);
    }
  };
  return { child, line, closed };
}

/** Steps the writer made in `seconds`, with `readers` processes pausing `pause` ms. */
async function once(readers, pause) {
  const dir = mkdtempSync(join(tmpdir(), 'holt-live-bench-'));
  try {
    const writer = start(here('./writer.mjs'), [distUrl, dir, String(seconds * 1000), String(walBytes)], pin ? 0 : undefined);
    await writer.line((l) => l === 'R');
    const rs = [];
    for (let i = 0; i < readers; i++) rs.push(start(here('./reader.mjs'), [distUrl, dir, String(pause)], pin ? 1 : undefined));
    await new Promise((r) => setTimeout(r, readers > 0 ? 1500 : 0)); // readers opened and running
    writer.child.stdin.end('go\n');
    const [, steps, checkpoints] = (await writer.line((l) => l.startsWith('S '))).split(' ').map(Number);
    let refreshes = 0;
    let cpuMs = 0;
    let reloads = 0;
    for (const r of rs) {
      r.child.stdin.end();
      const out = await r.line((l) => l.startsWith('ok') || l.startsWith('BAD'));
      if (out.startsWith('BAD')) throw new Error(`reader: ${out}`);
      const f = out.split(' ').map(Number);
      refreshes += f[1];
      cpuMs += f[2];
      reloads += f[4];
    }
    await writer.closed;
    return { steps, checkpoints, refreshes, cpuMs, reloads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const summary = [];
const say = (line) => { console.log(line); summary.push(line); };
say(`writer alone vs with ${READERS} readers; ${seconds} s runs x ${rounds} rounds; checkpoint at ${walBytes} WAL bytes${pin ? '; writer on CPU 0, readers on CPU 1' : ''}`);
console.log(`dist: ${dist}`);
for (const pause of pauses) {
  let alone = 0;
  let beside = 0;
  let refreshes = 0;
  let cpuMs = 0;
  for (let r = 0; r < rounds; r++) {
    const a = await once(0, pause);
    const b = await once(READERS, pause);
    alone += a.steps;
    beside += b.steps;
    refreshes += b.refreshes;
    cpuMs += b.cpuMs;
    console.log(`  pause ${pause} ms round ${r + 1}: alone ${a.steps} steps (${a.checkpoints} checkpoints), with readers ${b.steps} (${b.checkpoints} checkpoints, ${b.refreshes} refreshes of which ${b.reloads} reloads, readers' CPU ${(b.cpuMs / 1000).toFixed(1)} s)`);
  }
  const change = (beside / alone - 1) * 100;
  say(`pause ${pause} ms: ${(alone / rounds / seconds).toFixed(0)} steps/s alone, ${(beside / rounds / seconds).toFixed(0)} with readers (${change >= 0 ? '+' : ''}${change.toFixed(1)}%), ${(refreshes / rounds / seconds / READERS).toFixed(1)} refreshes/s per reader, the four readers used ${(cpuMs / rounds / 1000 / (seconds + 1.5)).toFixed(2)} cores`);
}

if (args.includes('--save')) {
  const file = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
  const begin = '<!-- bench:readers begin (written by bench/live-readers/run.mjs --save) -->';
  const end = '<!-- bench:readers end -->';
  const block = [
    begin,
    '## Readers beside a writer (issue 16)',
    '',
    `\`npm run bench:readers -- ${args.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}: a writer process (cross-tree atomic`,
    'transfers and object puts/deletes, group commit every 50 steps, checkpoints on its own schedule)',
    'runs alone, then beside four reader processes that refresh, check that the accounts add up, list',
    'a directory and get every listed key, then pause. Runs alternate so drift falls on both sides.',
    'Readers never block the writer (no shared lock): what they cost it is CPU, the "cores" below,',
    'which on a small machine the writer shares with them (readers querying back to back, pause 0,',
    'take more than a core of two). A refresh applies only the records appended since the last one.',
    '',
    '```',
    ...summary,
    '```',
    end,
  ].join('\n');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('<!-- bench:readers begin');
  const next = at < 0 ? `${text.trimEnd()}\n\n${block}\n` : text.slice(0, at) + block + text.slice(text.indexOf(end, at) + end.length);
  writeFileSync(file, next);
  console.log(`wrote the bench:readers section of ${file}`);
}
