/**
 * No import cycles in src/: a module pair that imports each other (directly or
 * through others) means two owners of one concept, so a new cycle is a design
 * question (docs/DESIGN.md, "Module map"), not something to live with.
 *
 * The graph is read from the source text (import-graph.ts), type-only
 * imports and re-exports included. Folders are checked as layers by
 * folder-layers.test.ts.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, SRC } from './import-graph.js';

/** The strongly connected parts of the graph that contain a cycle (sets of modules that reach each other). */
export function tangledParts(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) { onStack.delete(w); part.push(w); if (w === v) break; }
    if (part.length > 1 || (graph.get(v) ?? []).includes(v)) parts.push(part.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return parts;
}

/**
 * Cycles of one tangled part as closed paths of modules: a shortest cycle
 * through each module not on a cycle already listed, so every module that
 * needs untangling is named.
 */
export function cyclesOf(part: string[], graph: Map<string, string[]>): string[][] {
  const members = new Set(part);
  const covered = new Set<string>();
  const cycles: string[][] = [];
  for (const u of part) {
    if (covered.has(u)) continue;
    const c = cycleThrough(u, members, graph);
    for (const w of c) covered.add(w);
    cycles.push(c);
  }
  return cycles;
}

/** A shortest path from `start` back to itself inside `part` (breadth first). */
function cycleThrough(start: string, part: Set<string>, graph: Map<string, string[]>): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!part.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!from.has(w)) { from.set(w, v); queue.push(w); }
    }
  }
  return [start, start];
}

/**
 * Tangles that exist and have an owner elsewhere, by their sorted member
 * list. Each entry must still exist (the test says when one is gone), so the
 * list only shrinks. (It is empty: src/io's LoadIoOptions moved to types.ts.)
 */
const KNOWN_TANGLES: readonly string[] = [];

describe('import graph of src/', () => {
  it('has no cycles (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const f of sourceFiles(SRC)) graph.set(f, importsOf(f, readFileSync(f, 'utf8')));
    const name = (p: string): string => relative(SRC, p);
    const found = new Set<string>();
    const cycles: string[] = [];
    for (const part of tangledParts(graph)) {
      const key = part.map(name).join(', ');
      found.add(key);
      if (KNOWN_TANGLES.includes(key)) continue;
      for (const c of cyclesOf(part, graph)) cycles.push(c.map(name).join(' -> '));
    }
    expect(cycles, `import cycles in src/:\n${cycles.join('\n')}`).toEqual([]);
    const gone = KNOWN_TANGLES.filter((k) => !found.has(k));
    expect(gone, `untangled: remove from KNOWN_TANGLES:\n${gone.join('\n')}`).toEqual([]);
  });

  it('finds a cycle through type-only and re-export edges, and prints it', () => {
    const files: Record<string, string> = {
      '/s/a.ts': "import type { B } from './b.js';\nimport { x } from './x.js';",
      '/s/b.ts': "export { c } from './sub/c.js';",
      '/s/sub/c.ts': "// import { a } from '../a.js';\nimport {\n  a,\n} from '../a.js';",
      '/s/x.ts': "const m = await import('./a.js');",
    };
    const graph = new Map(Object.entries(files).map(([f, t]) => [f, importsOf(f, t)]));
    const parts = tangledParts(graph);
    expect(parts).toEqual([['/s/a.ts', '/s/b.ts', '/s/sub/c.ts']]);
    expect(cyclesOf(parts[0]!, graph).map((c) => c.join(' -> '))).toEqual(['/s/a.ts -> /s/b.ts -> /s/sub/c.ts -> /s/a.ts']);
  });
});
