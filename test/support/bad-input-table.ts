/**
 * The shape of a bad-input table (test/api, test/io): one row per public
 * member, one entry per parameter with a valid value and its wrong values.
 * A case replaces exactly one argument by one wrong value, so each case tests
 * one thing. `coverage` compares the rows with the members found at run time.
 */
import { parameterCount, type Member } from './public-surface.js';
import type { Wrong } from './wrong-values.js';

export interface Param<C> {
  name: string;
  valid: (c: C) => unknown;
  wrong: readonly Wrong[];
}

export interface Row<C> {
  /** The member's label as public-surface.ts names it. */
  member: string;
  /** Tells apart rows that reach one member by different paths. */
  via?: string;
  params: Param<C>[];
  call: (c: C, args: unknown[]) => unknown;
  /** The member answers with a promise: wrong input rejects it (before any I/O) instead of throwing. */
  rejects?: true;
}

export interface Case {
  /** `member: parameter = wrong value`, for failure messages. */
  what: string;
  args: unknown[];
  /** The wrong value's own code, if it has one; otherwise the table's default. */
  code: string | undefined;
}

export function param<C>(name: string, valid: (c: C) => unknown, wrong: readonly Wrong[]): Param<C> {
  return { name, valid, wrong };
}

/** A member without parameters: nothing to get wrong, but its row makes `coverage` check that it stays so. */
export function noParams<C>(member: string): Row<C> {
  return { member, params: [], call: () => undefined };
}

/** Every case of `row`, with the valid arguments taken from `c`. */
export function cases<C>(row: Row<C>, c: C): Case[] {
  return row.params.flatMap((p, i) => p.wrong.map(([label, wrong, code]): Case => ({
    what: `${row.member}${row.via === undefined ? '' : ` (${row.via})`}: ${p.name} = ${label}`,
    args: row.params.map((q, j) => (j === i ? wrong : q.valid(c))),
    code,
  })));
}

/** What the rows miss: members without a row, rows without a member, and rows whose parameters differ from the declaration. */
export function coverage<C>(members: readonly Member[], rows: readonly Row<C>[]): { missing: string[]; extra: string[]; arity: string[] } {
  const labels = new Set(members.map((m) => m.label));
  const rowed = new Set(rows.map((r) => r.member));
  const arity: string[] = [];
  for (const m of members) {
    const declared = parameterCount(m.fn);
    for (const r of rows) if (r.member === m.label && r.params.length !== declared) arity.push(`${m.label}: ${r.params.length} in the row, ${declared} declared`);
  }
  return {
    missing: [...labels].filter((l) => !rowed.has(l)).sort(),
    extra: [...rowed].filter((l) => !labels.has(l)).sort(),
    arity,
  };
}
