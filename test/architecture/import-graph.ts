/**
 * The import graph of src/, read from the source text, for the architecture
 * tests (import-cycles, folder-layers): every static `import ... from` and
 * `export ... from` of a relative module, type-only imports included (a type
 * import still says one module knows the other). Dynamic `import()` is left
 * out: it is how a module defers loading something optional.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every .ts file under `dir`, as absolute paths. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

// `import x from './a.js'`, `import type { T } from '../b.js'`, `export * from './c.js'`,
// `export { y } from './d.js'`, `import './e.js'`; across line breaks, comments aside.
const STATIC_IMPORT = /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** `text` with its comments blanked out, line breaks kept (so offsets keep their line numbers). */
export function withoutComments(text: string): string {
  const blank = (m: string): string => m.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/^\s*\/\/.*$/gm, blank);
}

/** One static import: the module it names (resolved to a .ts path) and the line its statement starts on. */
export interface ImportEdge {
  target: string;
  line: number;
}

/** Every static relative import of `file` (whose source is `text`), in order. */
export function importEdges(file: string, text: string): ImportEdge[] {
  const code = withoutComments(text);
  const out: ImportEdge[] = [];
  for (const m of code.matchAll(STATIC_IMPORT)) {
    const at = m.index + m[0].search(/\b(?:import|export)\b/);
    const line = code.slice(0, at).split('\n').length;
    out.push({ target: resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')), line });
  }
  return out;
}

/** Relative module specifiers a file imports statically, resolved to .ts paths, each once. */
export function importsOf(file: string, text: string): string[] {
  return [...new Set(importEdges(file, text).map((e) => e.target))];
}
