/**
 * How Holt failures become SQL errors: one line, the function name first, then
 * Holt's own message and its stable code, e.g.
 *   holt_scan: no tree named "nope" (TREE_NOT_FOUND)
 * DuckDB adds its own prefix ("Invalid Input Error: ...") in front.
 */
import { HoltError } from '../errors.js';

export function sqlErrorMessage(fn: string, e: unknown): string {
  if (e instanceof HoltError) return `${fn}: ${e.message} (${e.code})`;
  if (e instanceof Error) return `${fn}: ${e.message}`;
  return `${fn}: ${String(e)}`;
}

/** A bad argument found while binding: reported like a Holt INVALID_ARGUMENT. */
export function badArgument(message: string): HoltError {
  return new HoltError('INVALID_ARGUMENT', message);
}
