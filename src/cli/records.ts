/**
 * Parsing import files: NDJSON (`{"key": ..., "value": ...}` per line) and CSV
 * (`key,value` per line, RFC 4180 quoting, an optional `key,value` header).
 * A JSON value that is not a string is stored as its JSON text.
 */
import { CliError } from './command.js';

export interface KeyValue {
  key: string;
  value: string;
}

export function parseNdjsonLine(line: string, lineNo: number): KeyValue | null {
  if (line.trim() === '') return null;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw new CliError(`line ${lineNo}: not valid JSON`);
  }
  if (obj === null || typeof obj !== 'object' || typeof (obj as { key?: unknown }).key !== 'string') {
    throw new CliError(`line ${lineNo}: expected an object with a string "key"`);
  }
  const { key, value } = obj as { key: string; value?: unknown };
  if (value === undefined) throw new CliError(`line ${lineNo}: missing "value"`);
  return { key, value: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** Split one CSV record. Records with quoted newlines are not supported (one record per line). */
export function parseCsvLine(line: string, lineNo: number): KeyValue | null {
  if (line.trim() === '') return null;
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new CliError(`line ${lineNo}: unterminated quote`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        s += line[i++];
      }
      fields.push(s);
      if (i < line.length && line[i] !== ',') throw new CliError(`line ${lineNo}: text after a closing quote`);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      fields.push(line.slice(i, stop).replace(/\r$/, ''));
      i = stop + 1;
    }
  }
  if (fields.length !== 2) throw new CliError(`line ${lineNo}: expected 2 fields (key,value), got ${fields.length}`);
  return { key: fields[0]!, value: fields[1]! };
}
