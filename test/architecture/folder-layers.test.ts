/**
 * Folders of src/ are layers (docs/DESIGN.md, "Module map"): a module may
 * import from a folder below its own, or sideways within its own folder,
 * never up and never across to another folder of the same layer. Type-only
 * imports and re-exports count: a type import still ties one folder to the
 * other. The file-level cycle test cannot see this: two folders can import
 * each other through different files without any file cycle.
 *
 * A failure prints each offending import as `file:line -> target`.
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEdges, sourceFiles, SRC, withoutComments } from './import-graph.js';

/**
 * The layers, bottom to top. A name is a folder of src/, or a file directly
 * in it. Folders on one line are side by side: neither may import the other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'checksum'], // leaves: HoltError and its argument checks, CRC32C
  ['layout', 'io'], //          the bytes of a frame; file handles over the addon or node:fs
  ['cache', 'wal'], //          buffer pool, frame and page caches; the log
  ['store'], //                 which frames exist and where they live
  ['art'], //                   the walker
  ['checkpoint'], //            the checkpoint round and its schedule
  ['shapes'], //                public option, stats and batch shapes (types only)
  ['db'], //                    catalog, durable store, readers, the write protocol
  ['stats'], //                 DBStats, TreeStats, Prometheus text
  ['api'], //                   the facades: DB, Tree, AtomicBatch, Snapshot
  ['duckdb', 'level'], //       bridges over the public API
  ['index.ts'], //              the public exports
  ['cli', 'soak', 'demo'], //   programs
];

/** The folder (or top-level file) of src/ that `file` belongs to. */
function unitOf(root: string, file: string): string {
  return relative(root, file).split(sep)[0]!;
}

/**
 * Every import among `files` (path -> source text under `root`) that does not
 * point down or sideways within its folder, as `file:line -> target (why)`;
 * and every file in a folder the layers do not name.
 */
export function layerViolations(root: string, files: ReadonlyMap<string, string>, layers: readonly (readonly string[])[]): string[] {
  const rank = new Map<string, number>();
  layers.forEach((units, i) => { for (const u of units) rank.set(u, i); });
  const out: string[] = [];
  for (const [file, text] of files) {
    const from = unitOf(root, file);
    const fromRank = rank.get(from);
    if (fromRank === undefined) {
      out.push(`${relative(root, file)}: folder ${from} has no layer (add it to LAYERS)`);
      continue;
    }
    for (const { target, line } of importEdges(file, text)) {
      const to = unitOf(root, target);
      if (to === from) continue;
      const toRank = rank.get(to);
      const why = toRank === undefined ? `${to} has no layer`
        : toRank > fromRank ? `${to} is above ${from}`
        : toRank === fromRank ? `${to} sits beside ${from}` : null;
      if (why !== null) out.push(`${relative(root, file)}:${line} -> ${relative(root, target)} (${why})`);
    }
  }
  return out;
}

/** Declarations in `text` that are not types (shapes/ holds types only): functions, classes, values, enums, value imports. */
export function nonTypeDeclarations(text: string): string[] {
  const code = withoutComments(text);
  const out: string[] = [];
  code.split('\n').forEach((l, i) => {
    if (/^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:function|class|const|let|var|enum)\b/.test(l)
      || /^\s*import\s+(?!type\b)/.test(l) || /^\s*export\s+(?!type\b|interface\b)(?:\*|\{)/.test(l)) {
      out.push(`${i + 1}: ${l.trim()}`);
    }
  });
  return out;
}

describe('folders of src/ as layers', () => {
  const files = new Map(sourceFiles(SRC).map((f) => [f, readFileSync(f, 'utf8')]));

  it('every import points down, or sideways within its own folder', () => {
    const bad = layerViolations(SRC, files, LAYERS);
    expect(bad, `imports against the layer order (src/ folders, bottom to top: ${LAYERS.map((l) => l.join(' ')).join(' | ')}):\n${bad.join('\n')}`).toEqual([]);
  });

  it('names every folder of src/ once', () => {
    const declared = LAYERS.flat();
    expect(new Set(declared).size).toBe(declared.length);
    const present = new Set([...files.keys()].map((f) => unitOf(SRC, f)));
    expect([...present].filter((u) => !declared.includes(u))).toEqual([]);
    expect(declared.filter((u) => !present.has(u))).toEqual([]);
  });

  it('shapes/ declares types only', () => {
    const shapes = [...files].filter(([f]) => unitOf(SRC, f) === 'shapes');
    expect(shapes.length).toBeGreaterThan(0);
    const bad = shapes.flatMap(([f, text]) => nonTypeDeclarations(text).map((d) => `${relative(SRC, f)}:${d}`));
    expect(bad, `values in shapes/:\n${bad.join('\n')}`).toEqual([]);
  });

  it('fails on a planted upward import, and prints file, line and target', () => {
    const layers = [['errors.ts'], ['store', 'wal'], ['api']];
    const planted = new Map([
      ['/s/errors.ts', 'export class HoltError {}'],
      ['/s/store/pager.ts', "import { HoltError } from '../errors.js';\nimport { readFrame } from './frames.js';"],
      ['/s/store/frames.ts', "/* a comment\n   over two lines */\nimport type {\n  DBOptions,\n} from '../api/options.js';"],
      ['/s/wal/log.ts', "export { x } from '../store/pager.js';\n// import { y } from '../api/db.js';"],
      ['/s/api/db.ts', "import '../store/pager.js';\nconst later = await import('../misc/late.js');"],
      ['/s/misc/late.ts', ''],
    ]);
    expect(layerViolations('/s', planted, layers)).toEqual([
      'store/frames.ts:3 -> api/options.ts (api is above store)',
      'wal/log.ts:1 -> store/pager.ts (store sits beside wal)',
      'misc/late.ts: folder misc has no layer (add it to LAYERS)',
    ]);
  });

  it('finds values among types', () => {
    const text = "import type { A } from './a.js';\nimport { b } from './b.js';\nexport interface S { n: number }\n"
      + "export type T = A;\nexport const c = 1;\nexport function f(): void {}\nexport type { U } from './u.js';\nexport { v } from './v.js';";
    expect(nonTypeDeclarations(text)).toEqual([
      "2: import { b } from './b.js';", '5: export const c = 1;', '6: export function f(): void {}', "8: export { v } from './v.js';",
    ]);
  });
});
