/**
 * The one way tests catch an error to look at it: `thrown` for a call that
 * must throw, `rejected` for a promise that must reject, `expectCode` for a
 * call that must throw a HoltError with a given code. Each fails the test,
 * naming `what`, when nothing goes wrong.
 */
import { expect } from 'vitest';
import { HoltError } from '../../src/errors.js';

/** What tests read off a caught error: a HoltError's or an IoError's fields, as far as it has them. */
export interface Caught {
  name: string;
  message: string;
  code?: string;
  /** HoltError: the file a corruption or I/O failure is in, and the byte offset. */
  file?: string;
  offset?: number;
  /** IoError: the path the failed call was about. */
  path?: string;
}

/**
 * The error `fn` throws. A call that returns instead fails the test, and so
 * does one that returns a promise (it was meant to throw synchronously; the
 * promise's own rejection is silenced).
 */
export function thrown(fn: () => unknown, what = 'the call'): Caught {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    return e as Caught;
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new Error(`${what} returned a promise instead of throwing`);
  }
  throw new Error(`${what} did not throw`);
}

/** The error `p` rejects with (fails the test if it resolves). */
export async function rejected(p: Promise<unknown>, what = 'the promise'): Promise<Caught> {
  try {
    await p;
  } catch (e) {
    return e as Caught;
  }
  throw new Error(`${what} did not reject`);
}

/** Asserts that `fn` throws a HoltError with `code`, and returns it. */
export function expectCode(fn: () => unknown, code: string, what = `expected ${code}`): HoltError {
  const e = thrown(fn, what);
  expect(e, `${what}: ${String(e)}`).toBeInstanceOf(HoltError);
  expect(e.code, `${what}: ${e.message}`).toBe(code);
  return e as unknown as HoltError;
}
