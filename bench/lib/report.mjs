/**
 * bench/RESULTS.md: machine, method, engine settings, one table per workload/mode,
 * memory after load, the scale curve, and bench/io/RESULTS.md as the I/O section.
 */

import fs from 'node:fs';
import { ENGINE_NAMES } from '../adapters/index.mjs';
import { enginesOf, formatNs, formatRatio, formatSize, formatSpread, levelRows, memoryCells } from './format.mjs';
import { BASE_SIZE, MODES } from './plan.mjs';
import { IO_RESULTS_MD } from './paths.mjs';
import { FACTOR_PEERS, GET_1M, ISSUE_OPS, PEER_FACTOR } from './issue-targets.mjs';
import { strictAllocRows, strictCells, strictTimeRows } from './strict.mjs';

const MODE_TEXT = {
  memory: 'memory (no files; lmdb and classic-level on tmpfs)',
  hot: 'hot persistence (files, no fsync per commit)',
  durable: 'durable (fsync before each write returns)',
};

/** @param {string[][]} rows first row is the header */
function mdTable(rows) {
  const [head, ...body] = rows;
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * Sections other tools keep in RESULTS.md between `<!-- NAME begin ... -->` and
 * `<!-- NAME end -->` markers (bench:cold's link to COLD.md), taken from the file's
 * previous text so that a bench run, which rewrites the file, keeps them.
 * @param {string} previous
 * @returns {string}
 */
export function keptSections(previous) {
  const blocks = previous.match(/<!-- ([\w:-]+) begin[^>]*-->[\s\S]*?<!-- \1 end -->/g) ?? [];
  return blocks.map((b) => `${b}\n`).join('');
}

/**
 * "Against the Rust original": issue 17's table (objstore, 20k keys, memory mode) with this
 * run's Holt, best Node peer and JS baseline beside the Rust original's figures from the
 * issue, the targets, and the 3x-every-peer check in memory and hot modes.
 * @param {any} results
 * @returns {string[]}
 */
function issueSection(results) {
  /** @type {(mode: string, op: string) => any} */
  const cell = (mode, op) => results.comparisons.find((/** @type {any} */ c) => c.workload === 'objstore' && c.mode === mode && c.size === BASE_SIZE && c.op === op);
  if (!cell('memory', 'get')?.holt) return [];
  const out = ['## Against the Rust original (issue 17)', ''];
  out.push(
    'Objstore, 20,000 keys, memory mode, this run. "Rust Holt 0.9.2" and "filed" are the figures issue 17 was filed with',
    '(the Rust original\'s `benches/main.rs` and this project, measured by the issue on this machine, another day):',
    'compare them as orders of magnitude, not to the nanosecond. Best Node peer = the faster of lmdb and better-sqlite3.',
    'What the profiles said and what changed: [docs/DESIGN.md, "The hot path"](../docs/DESIGN.md#the-hot-path-issue-17).',
    '',
  );
  const rows = [['op', 'Holt (filed)', '**Holt (this run)**', 'best Node peer', 'ratio', 'Rust Holt 0.9.2', 'JS Map / sorted array', 'target', 'met']];
  for (const t of ISSUE_OPS) {
    const c = cell('memory', t.op);
    if (!c?.holt) continue;
    const peers = FACTOR_PEERS.map((p) => [p, c.peers[p]]).filter(([, p]) => p).sort((a, b) => a[1].median - b[1].median);
    const [bestName, best] = peers[0] ?? ['-', null];
    const js = c.peers['js-baseline'];
    rows.push([
      t.label, formatNs(t.filed), `**${formatNs(c.holt.median)}**`, best ? `${formatNs(best.median)} (${bestName})` : '-', best ? formatRatio(best.ratio) : '-',
      formatNs(t.rust), js ? formatNs(js.median) : '-', `≤ ${formatNs(t.target)}`, c.holt.median <= t.target ? 'yes' : 'no',
    ]);
  }
  const g = results.scale.find((/** @type {any} */ p) => p.workload === 'objstore' && p.op === 'get' && p.size === 1_000_000 && p.engine === 'holt-memory');
  if (g) rows.push(['get at 1M keys', formatNs(GET_1M.filed), `**${formatNs(g.median)}**`, '-', '-', '-', '-', `≤ ${formatNs(GET_1M.target)}`, g.median <= GET_1M.target ? 'yes' : 'no']);
  out.push(mdTable(rows), '');

  out.push(`Ops where Holt is not ${PEER_FACTOR}x faster than ${FACTOR_PEERS.join(' and ')} in this run (objstore; ratio = peer / Holt):`, '');
  const short = [];
  for (const mode of ['memory', 'hot']) {
    for (const c of results.comparisons) {
      if (c.workload !== 'objstore' || c.mode !== mode || c.size !== BASE_SIZE || !c.holt) continue;
      for (const p of FACTOR_PEERS) {
        const r = c.peers[p]?.ratio;
        if (r !== null && r !== undefined && r < PEER_FACTOR) short.push(`\`${c.op}\` ${mode} vs ${p} ${formatRatio(r)}`);
      }
    }
  }
  out.push(short.length === 0 ? '- none' : `- ${short.join('; ')}`, '');
  return out;
}

/**
 * "Strict regime": the memory jobs again with a full gc() before every timed repetition
 * and keys out as strings (`--gc-between-reps`), with the bytes each op allocates.
 * @param {any} results
 * @returns {string[]}
 */
function strictSection(results) {
  const workloads = [...new Set((results.strict?.comparisons ?? []).map((/** @type {any} */ c) => c.workload))];
  if (workloads.length === 0) return [];
  const out = ['## Strict regime (`--gc-between-reps`)', ''];
  out.push(
    [
      'The memory jobs again, each engine in a process of its own, in the regime common in JS benchmarking and close to a',
      'busy server: one full `gc()` (`node --expose-gc`) before every timed repetition, so the young generation starts',
      'small and whatever a call allocates is collected inside the measurement; keys go in and come back as strings',
      "(Holt with `keyEncoding: 'utf8'`, lmdb and better-sqlite3 with their string keys); values are Buffers the caller",
      'keeps. Median ns/op; ratio = peer time / Holt time. **Bytes per op** are what one op allocates on the JS heap over',
      'the first ops of its stream (the heap\'s growth plus what each collection in between freed, from `v8.GCProfiler`),',
      "the adapter's own result arrays included (the same shapes for every engine); an engine's native memory is not",
      `counted. Issue 26 asks for Holt at least ${PEER_FACTOR}x faster than ${FACTOR_PEERS.join(' and ')} on \`get\`, \`put\`, \`list\`, \`list_dir_8\` and \`metadata_mix\`.`,
    ].join('\n'),
    '',
  );
  for (const workload of workloads) {
    const cells = strictCells(results, workload);
    if (cells.length === 0) continue;
    out.push(`### ${workload}, memory, gc between repetitions`, '', mdTable(strictTimeRows(cells).map((r, i) => (i === 0 ? r : [`\`${r[0]}\``, ...r.slice(1)]))), '');
    out.push(`Bytes allocated on the JS heap per op (${workload}):`, '', mdTable(strictAllocRows(cells).map((r, i) => (i === 0 ? r : [`\`${r[0]}\``, ...r.slice(1)]))), '');
  }
  return out;
}

/**
 * @param {any} results the object written to latest.json
 * @returns {string}
 */
export function renderResults(results) {
  const m = results.machine;
  /** @type {string[]} */
  const out = [];
  out.push('# Holt benchmark results');
  out.push('');
  out.push(
    `Generated ${results.createdAt} by \`${results.command}\` (${results.profile} profile, seed ${results.seed}). ` +
      'Regenerate with `npm run bench`; do not edit by hand.',
  );
  out.push('');
  if (!results.holt.available) {
    out.push(`> **Holt was not measured in this run**: ${results.holt.reason}. Peer figures only; ratios are blank.`);
    out.push('');
  }
  for (const w of results.warnings) out.push(`> **Warning**: ${w.replace(/\n/g, ' ')}`, '');

  out.push('## Machine');
  out.push('');
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores (shared); RAM ${m.memoryGiB} GiB`);
  out.push(`- OS: ${m.platform}, kernel ${m.kernel}; Node ${m.node}`);
  out.push(`- Data directories: ${m.tmpdir} (${m.tmpdirFs}); memory mode of file engines: ${m.memoryModeDir}`);
  out.push(`- Load average at start: ${m.loadAverage.join(' / ')}`);
  out.push(`- Peers: ${Object.entries(results.peers).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('');

  out.push('## Method');
  out.push('');
  out.push(
    [
      `Each engine runs in its own Node process (\`bench/engine-worker.mjs\`). Every process rebuilds the same data set`,
      `(${BASE_SIZE.toLocaleString('en-US')} keys, loaded in a seeded shuffled order, untimed) and the same seeded op stream, then for each op`,
      'runs one warm-up pass and several timed repetitions; repetitions are sized to a fixed duration, so slower',
      'engines run a shorter prefix of the same stream. Cells show the median ns/op and ± half the p10-p90 spread',
      'of the repetitions. **Ratio = peer time / Holt time**: above 1 Holt is faster, below 1 the peer is.',
      'One op is what a caller sees as one operation: `create_delete` = create + delete, `rename` = a round trip',
      '(a→b, b→a), `list` = first 100 keys with values under a bucket/directory, `list_dir_8` / `list_dir_all` =',
      'first 8 / all rollups of a delimiter listing, `metadata_mix` = 45% get, 20% put, 10% list, 10% list_dir 8,',
      '10% create+delete, 5% rename round trip. Writes are one committed transaction each. Durable mode runs only',
      'write ops, with small counts. Memory figures are the worker process after loading (the data set arrays, the',
      'same for every engine, included); Δ is the growth from just before the engine opened.',
    ].join('\n'),
  );
  out.push('');

  out.push('## Engines and settings');
  out.push('');
  /** @type {Map<string, Record<string, unknown>>} */
  const settings = new Map();
  for (const run of results.runs) {
    if (run.settings && !settings.has(`${run.engine} ${run.mode}`)) settings.set(`${run.engine} ${run.mode}`, run.settings);
  }
  for (const engine of ENGINE_NAMES) {
    const summary = results.engines[engine];
    if (!summary) continue;
    out.push(`- **${engine}**: ${summary}`);
    for (const mode of MODES) {
      const s = settings.get(`${engine} ${mode}`);
      if (s) out.push(`  - ${mode}: ${Object.entries(s).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    }
  }
  out.push('');

  out.push('## Results (ns/op, lower is better)');
  out.push('');
  const base = results.comparisons.filter((/** @type {any} */ c) => c.size === BASE_SIZE);
  for (const workload of [...new Set(base.map((/** @type {any} */ c) => c.workload))]) {
    for (const mode of MODES) {
      const cells = base.filter((/** @type {any} */ c) => c.workload === workload && c.mode === mode);
      if (cells.length === 0) continue;
      const engines = enginesOf(cells);
      const holtEngine = cells[0].holtEngine;
      out.push(`### ${workload}, ${MODE_TEXT[/** @type {keyof typeof MODE_TEXT} */ (mode)]}`);
      out.push('');
      const head = ['op'];
      for (const e of engines) head.push(e === holtEngine ? `**${e}**` : e, ...(e === holtEngine ? [] : ['ratio']));
      const rows = [head];
      for (const c of cells) {
        const row = [`\`${c.op}\``];
        for (const e of engines) {
          if (e === holtEngine) {
            row.push(c.holt ? `**${formatNs(c.holt.median)}** ${formatSpread(c.holt)}` : '-');
            continue;
          }
          const p = c.peers[e];
          row.push(p ? `${formatNs(p.median)} ${formatSpread(p)}` : '-', p ? formatRatio(p.ratio) : '-');
        }
        rows.push(row);
      }
      const memory = memoryCells(results.runs, workload, mode, BASE_SIZE);
      rows.push(['RSS / heap MiB after load', ...engines.flatMap((e) => (e === holtEngine ? [memory[e] ?? '-'] : [memory[e] ?? '-', '']))]);
      out.push(mdTable(rows));
      out.push('');
    }
  }

  out.push(...strictSection(results));

  const level = levelRows(results.level ?? [], BASE_SIZE);
  if (level.length > 1) {
    out.push('## Through the Level interface');
    out.push('');
    out.push(
      'classic-level and holt-level (`HoltLevel` from `holt/level`) driven by the same adapter code (`adapters/level-ops.mjs`): ' +
        'ns/op medians, **ratio = classic-level time / holt-level time** (above 1 holt-level is faster). See docs/LEVEL.md.',
    );
    out.push('');
    out.push(mdTable(level.map((r, i) => (i === 0 ? r : [r[0], r[1], `\`${r[2]}\``, ...r.slice(3)]))));
    out.push('');
  }

  out.push('## Memory after load');
  out.push('');
  const memRows = [['engine', 'workload', 'mode', 'keys', 'load ms', 'RSS MiB', 'RSS Δ MiB', 'heap MiB', 'heap Δ MiB', 'external MiB']];
  for (const run of results.runs) {
    if (!run.memory) continue;
    const mem = run.memory;
    memRows.push([
      run.engine,
      run.workload,
      run.mode,
      formatSize(run.size),
      Math.round(run.loadMs).toLocaleString('en-US'),
      mem.rssMiB.toFixed(1),
      mem.rssDeltaMiB.toFixed(1),
      mem.heapUsedMiB.toFixed(1),
      mem.heapDeltaMiB.toFixed(1),
      mem.externalMiB.toFixed(1),
    ]);
  }
  out.push(mdTable(memRows));
  out.push('');

  if (results.scale.length > 0) {
    out.push('## Scale curve (memory mode)');
    out.push('');
    out.push('![scale curve](results/scale.svg)');
    out.push('');
    const sizes = [...new Set(results.scale.map((/** @type {any} */ p) => p.size))].sort((a, b) => a - b);
    const rows = [['workload', 'op', 'engine', ...sizes.map((s) => formatSize(/** @type {number} */ (s)))]];
    /** @type {Map<string, Map<number, any>>} */
    const lines = new Map();
    for (const p of results.scale) {
      const key = `${p.workload}\u0000${p.op}\u0000${p.engine}`;
      lines.set(key, (lines.get(key) ?? new Map()).set(p.size, p));
    }
    for (const [key, bySize] of lines) {
      const [workload, op, engine] = key.split('\u0000');
      rows.push([workload, `\`${op}\``, engine, ...sizes.map((s) => (bySize.has(s) ? formatNs(bySize.get(s).median) : '-'))]);
    }
    out.push(mdTable(rows));
    out.push('');
  }

  out.push(...issueSection(results));

  const failed = results.runs.filter((/** @type {any} */ r) => r.error);
  if (failed.length > 0) {
    out.push('## Failed runs');
    out.push('');
    for (const r of failed) out.push(`- ${r.engine} ${r.workload} ${r.mode} ${formatSize(r.size)}: ${r.error}`);
    out.push('');
  }

  if (fs.existsSync(IO_RESULTS_MD)) {
    out.push('## I/O');
    out.push('');
    out.push('From `bench/io/RESULTS.md` (the I/O layer benchmark, `npm run bench:io`):');
    out.push('');
    const io = fs.readFileSync(IO_RESULTS_MD, 'utf8').trim();
    // Nest its headings under this section.
    out.push(io.replace(/^(#+) /gm, (_, hashes) => `${hashes}## `));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
