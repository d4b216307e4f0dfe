/**
 * The public members of a class or object, found at run time, so that a
 * table with one row per member fails when a member is added without a row.
 *
 * Run-time enumeration sees every prototype method, TypeScript `private` ones
 * and those documented `@internal` included. The class's source tells them
 * apart: a member declared `private`/`protected`, or whose doc comment says
 * `@internal`, is not public. So a new public method is caught, and a new
 * private helper (in a file someone else is editing) is not.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Member {
  /** `new X`, `X.name` (static), `X#name` (method or getter), or the name of an object's method. */
  label: string;
  /** The function whose parameters the row must match (the getter for a getter). */
  fn: (...args: never[]) => unknown;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Public methods and getters of `cls`, declared in `sourceFile` (relative to
 * the repo root), plus its constructor and statics when the class itself is
 * exported as a value (`exported`); a class exported only as a type is reached
 * through its instances' methods.
 */
/** A class, whatever its constructor's visibility (TypeScript will not assign a private constructor to a `new` signature). */
type AnyClass = { readonly name: string; readonly prototype: object };

export function publicMembers(cls: AnyClass, sourceFile: string, exported: boolean): Member[] {
  const body = classBody(readFileSync(ROOT + sourceFile, 'utf8'), cls.name);
  const label = cls.name;
  const out: Member[] = [];
  if (exported && isPublic(body, 'constructor')) out.push({ label: `new ${label}`, fn: cls as unknown as Member['fn'] });
  for (const key of exported ? Reflect.ownKeys(cls) : []) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const d = Object.getOwnPropertyDescriptor(cls, key)!;
    if (typeof d.value === 'function' && isPublic(body, key)) out.push({ label: `${label}.${keyName(key)}`, fn: d.value });
  }
  for (const key of Reflect.ownKeys(cls.prototype as object)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(cls.prototype, key)!;
    const fn = typeof d.value === 'function' ? d.value : d.get;
    if (fn !== undefined && isPublic(body, key)) out.push({ label: `${label}#${keyName(key)}`, fn });
  }
  return out;
}

/** The methods of a plain object (an interface implemented by an object literal): all public. */
export function objectMethods(obj: object, label: string): Member[] {
  return Object.keys(obj)
    .filter((k) => typeof (obj as Record<string, unknown>)[k] === 'function')
    .map((k) => ({ label: `${label}#${k}`, fn: (obj as Record<string, Member['fn']>)[k]! }));
}

/** Number of declared parameters (defaults and rest included, unlike `fn.length`). */
export function parameterCount(fn: Member['fn']): number {
  const src = fn.toString();
  const ctor = src.startsWith('class') ? src.search(/\bconstructor\s*\(/) : 0;
  if (ctor < 0) return 0; // a class without an explicit constructor
  const open = src.indexOf('(', ctor);
  let depth = 0;
  let commas = 0;
  let empty = true;
  for (let i = open + 1; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ')') {
      if (depth === 0) return empty ? 0 : commas + 1;
      depth--;
    } else if (ch === ',' && depth === 0) commas++;
    if (!/\s/.test(ch)) empty = false;
  }
  throw new Error(`unbalanced parameter list in ${src.slice(0, 80)}`);
}

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.description ?? ''}]` : key;
}

/** The text between the braces of `class name`. */
function classBody(source: string, name: string): string {
  const at = source.search(new RegExp(String.raw`\bclass ${name}\b`));
  if (at < 0) throw new Error(`class ${name} not found`);
  const open = source.indexOf('{', at);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error(`class ${name} has unbalanced braces`);
}

/** Whether the declaration of `key` in `body` is public: no private/protected modifier and no `@internal` doc tag. */
function isPublic(body: string, key: string | symbol): boolean {
  const token = typeof key === 'symbol' ? String.raw`\[${(key.description ?? '').replace('.', String.raw`\.`)}\]` : key;
  // Members sit at two spaces of indentation (the project's style); statements inside them deeper.
  const decl = new RegExp(String.raw`^ {2}((?:(?:private|protected|public|static|async|override|get|set)\s+)*)${token}\s*[(<]`, 'm');
  const m = decl.exec(body);
  if (m === null) {
    if (key === 'constructor') return true; // implicit constructor: as public as the class
    throw new Error(`cannot find the declaration of ${String(key)}`);
  }
  if (/\b(private|protected)\b/.test(m[1]!)) return false;
  const before = body.slice(0, m.index).trimEnd();
  if (!before.endsWith('*/')) return true;
  const doc = before.slice(before.lastIndexOf('/**'));
  return !doc.includes('@internal');
}
