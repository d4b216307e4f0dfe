/**
 * Options of registerHolt(), and their check.
 */
import type { ScanOptions } from '../api/types.js';
import { checkFunction, optionalBoolean, optionNames, optionsObject } from '../api/validate.js';

/** What a holt_scan call is about to read: handy for tests and query logging. */
export interface ScanEvent {
  tree: string;
  /** The exact options passed to Tree.scan (keysOnly is true when values are not read). */
  options: ScanOptions;
  /** Names of the columns DuckDB asked for, after projection pushdown. */
  columns: string[];
}

export type ScanObserver = (event: ScanEvent) => void;

export interface RegisterHoltOptions {
  /** Install the SQL macros from `sql/` (holt_ls, holt_du, holt_json, ...). Default true. */
  macros?: boolean;
  /** Called once per holt_scan execution, before the first row is read. */
  onScan?: ScanObserver;
}

const REGISTER_OPTIONS = optionNames<RegisterHoltOptions>({ macros: true, onScan: true });

/** INVALID_ARGUMENT unless `options` is undefined or a well-typed RegisterHoltOptions; `{}` for undefined. */
export function checkRegisterOptions(options: unknown): RegisterHoltOptions {
  const o = optionsObject(options, 'registerHolt options', REGISTER_OPTIONS);
  if (o === undefined) return {};
  optionalBoolean(o, 'macros', 'registerHolt options');
  if (o['onScan'] !== undefined) checkFunction(o['onScan'], 'registerHolt options.onScan');
  return o as RegisterHoltOptions;
}
