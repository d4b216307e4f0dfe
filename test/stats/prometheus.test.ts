/**
 * toPrometheus() output checked against the text exposition format by a
 * small parser: HELP and TYPE before every family's samples, valid names,
 * counters ending in _total, well-formed and properly escaped labels, numeric
 * values, no duplicate series.
 */
import { describe, expect, it } from 'vitest';
import { collectAllTreeStats, DB, toPrometheus } from '../../src/index.js';
import { key, value } from './helpers.js';
import { testDir } from '../support/temp-dir.js';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parse exposition text; throws on the first rule it breaks. */
function parseExposition(text: string): { types: Map<string, string>; series: Series[] } {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seen = new Set<string>();
  const series: Series[] = [];
  let current: string | null = null;
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) {
      const name = line.slice(7).split(' ')[0]!;
      expect(name).toMatch(NAME);
      expect(helps.has(name), `second HELP for ${name}`).toBe(false);
      helps.add(name);
      current = name;
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type, ...rest] = line.slice(7).split(' ');
      expect(rest).toEqual([]);
      expect(name).toBe(current);
      expect(types.has(name!), `second TYPE for ${name}`).toBe(false);
      expect(['counter', 'gauge']).toContain(type);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      types.set(name!, type!);
      continue;
    }
    expect(line.startsWith('#'), `unexpected comment: ${line}`).toBe(false);
    const s = parseSample(line);
    expect(s.name, `sample ${s.name} outside its family`).toBe(current);
    expect(types.has(s.name), `sample before TYPE: ${line}`).toBe(true);
    const id = `${s.name}{${Object.entries(s.labels).sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    expect(seen.has(id), `duplicate series ${id}`).toBe(false);
    seen.add(id);
    if (types.get(s.name) === 'counter') expect(s.value).toBeGreaterThanOrEqual(0);
    series.push(s);
  }
  return { types, series };
}

/** `name{k="v",...} value`, with \\, \" and \n escapes in label values. */
function parseSample(line: string): Series {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
  if (m === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
  const labels: Record<string, string> = {};
  const body = m[2] === undefined ? '' : m[2].slice(1, -1);
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    const name = body.slice(i, eq);
    expect(name).toMatch(LABEL_NAME);
    expect(body[eq + 1]).toBe('"');
    let j = eq + 2;
    let v = '';
    for (;;) {
      const c = body[j];
      if (c === undefined) throw new Error(`unterminated label value in ${line}`);
      if (c === '"') break;
      if (c === '\n') throw new Error('raw line feed in a label value');
      if (c === '\\') {
        const e = body[j + 1];
        if (e === '\\') v += '\\';
        else if (e === '"') v += '"';
        else if (e === 'n') v += '\n';
        else throw new Error(`bad escape \\${e} in ${line}`);
        j += 2;
        continue;
      }
      v += c;
      j++;
    }
    expect(labels[name], `label ${name} twice`).toBeUndefined();
    labels[name] = v;
    i = j + 1;
    if (i < body.length) {
      expect(body[i]).toBe(',');
      i++;
    }
  }
  const raw = m[3]!;
  const num = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (!/^(\+Inf|-Inf|NaN|-?\d+(\.\d+)?(e[+-]?\d+)?)$/.test(raw)) throw new Error(`bad value ${raw}`);
  return { name: m[1]!, labels, value: num };
}

function valueOf(series: Series[], name: string, labels: Record<string, string> = {}): number | undefined {
  return series.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

describe('toPrometheus()', () => {
  it('renders a memory DB with per-tree series and escaped tree names', () => {
    const db = DB.memory();
    const weird = 'we"ird\\tree\nname';
    db.tree('objects').put('a', 'b');
    db.tree(weird).put('x', 'y');
    const text = toPrometheus(db.stats());
    const { types, series } = parseExposition(text);
    expect(types.get('holt_cache_hits_total')).toBeUndefined();
    expect(valueOf(series, 'holt_trees')).toBe(2);
    expect(valueOf(series, 'holt_tree_keys', { tree: weird })).toBe(1);
    expect(valueOf(series, 'holt_tree_mutations_total', { tree: 'objects' })).toBe(1);
    expect(text).toContain('tree="we\\"ird\\\\tree\\nname"');
  });

  it('renders a file DB: cache, WAL, checkpoint, open and I/O families, plus tree shapes', async () => {
    const db = DB.open(testDir('stats'), { checkpoint: false });
    const t = db.tree('objects');
    for (let i = 0; i < 5_000; i++) t.put(key(i), value(i, 200));
    await db.sync();
    await db.checkpoint();
    const stats = db.stats();
    const text = toPrometheus(stats, collectAllTreeStats(db));
    const { types, series } = parseExposition(text);
    for (const [name, type] of types) {
      expect(name.startsWith('holt_')).toBe(true);
      if (name.endsWith('_seconds') || name.endsWith('_bytes') || name.endsWith('_bytes_total')) expect(['gauge', 'counter']).toContain(type);
    }
    const d = stats.durable!;
    expect(valueOf(series, 'holt_wal_records_appended_total')).toBe(d.wal!.recordsAppended);
    expect(valueOf(series, 'holt_wal_fdatasyncs_total')).toBe(d.wal!.fdatasyncs);
    expect(valueOf(series, 'holt_checkpoint_rounds_succeeded_total')).toBe(1);
    expect(valueOf(series, 'holt_checkpoint_frames_written_total')).toBe(d.checkpoint.framesWritten);
    expect(valueOf(series, 'holt_checkpoint_last_round_duration_seconds')).toBeCloseTo(d.checkpoint.lastRoundMillis / 1000, 9);
    expect(valueOf(series, 'holt_io_written_bytes_total', { file: 'data' })).toBe(d.checkpoint.bytesWritten);
    expect(valueOf(series, 'holt_io_info', { kind: d.io, backend: d.ioBackend, direct: String(d.direct) })).toBe(1);
    expect(valueOf(series, 'holt_cache_resident_bytes')).toBe(d.cache.residentBytes);
    expect(valueOf(series, 'holt_tree_nodes', { tree: 'objects', type: 'leaf' })).toBe(5_000);
    expect(valueOf(series, 'holt_tree_fill_ratio', { tree: 'objects', stat: 'max' })).toBeLessThanOrEqual(1);
    expect(series.filter((s) => s.name === 'holt_tree_fill_ratio')).toHaveLength(3);
    await db.close();
  });

  it('formats non-finite values the way the format spells them', () => {
    const stats = DB.memory().stats();
    stats.frames = Infinity;
    stats.trees.push({ name: 'n', id: 9, keys: NaN, mutations: 0, spillovers: 0, compactions: 0, merges: 0, framesReleased: 0 });
    const text = toPrometheus(stats);
    expect(text).toContain('holt_frames +Inf\n');
    expect(text).toContain('holt_tree_keys{tree="n"} NaN\n');
    parseExposition(text);
  });
});
