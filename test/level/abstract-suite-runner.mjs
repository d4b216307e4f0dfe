#!/usr/bin/env node
/**
 * Runs abstract-level's own test suite (`abstract-level/test`, tape) against HoltLevel from
 * the compiled dist/, unmodified: which tests run is decided by `db.supports` alone.
 *
 * `node test/level/abstract-suite-runner.mjs file|memory`: `file` opens each database in a
 * fresh directory (`new HoltLevel(dir)`), `memory` over `DB.memory()`. Every tape row
 * (test start, assertion, test end) is printed as one `@@TAPE {json}` line for
 * abstract-level-suite.test.ts; the exit code is tape's (1 on any failure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import test from 'tape';
import suite from 'abstract-level/test/index.js';
import { DB } from '../../dist/index.js';
import { HoltLevel } from '../../dist/level/index.js';

const variant = process.argv[2];
if (variant !== 'file' && variant !== 'memory') {
  process.stderr.write('usage: abstract-suite-runner.mjs file|memory\n');
  process.exit(2);
}

// tmpfs when there is one: the suite opens and closes over a thousand databases, and what
// it checks does not depend on how long an fdatasync takes.
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const root = fs.mkdtempSync(path.join(base, 'holt-level-suite-'));
let dirs = 0;

// A small frame cache: the suite's databases hold a handful of keys, and opening one with the
// default 256 MiB budget costs tens of milliseconds over some 1,500 opens.
const factory = variant === 'file'
  ? (options) => new HoltLevel(path.join(root, `db-${dirs++}`), { cacheMB: 8, ...options })
  : (options) => new HoltLevel(DB.memory(), options);

/** @param {unknown} v */
const show = (v) => inspect(v, { depth: 4, breakLength: Infinity }).slice(0, 2000);

/** @param {any} row */
function record(row) {
  if (row.type === 'test') return { type: 'test', id: row.id, name: row.name, parent: row.parent ?? null, skip: row.skip === true };
  if (row.type === 'end') return { type: 'end', test: row.test };
  if (row.type === 'assert') {
    const out = { type: 'assert', test: row.test, ok: row.ok, name: row.name, operator: row.operator, skip: row.skip === true, todo: row.todo === true };
    if (!row.ok) Object.assign(out, { actual: show(row.actual), expected: show(row.expected), at: row.at ?? null, error: row.error ? show(row.error) : null });
    return out;
  }
  return null;
}

const stream = test.createStream({ objectMode: true });
stream.on('data', (row) => {
  const r = record(row);
  if (r !== null) process.stdout.write(`@@TAPE ${JSON.stringify(r)}\n`);
});

test.onFinish(() => {
  fs.rmSync(root, { recursive: true, force: true });
  // Some suite tests leave a database open on purpose; do not wait for their handles.
  process.stdout.write('', () => process.exit(process.exitCode ?? 0));
});
test.onFailure(() => {
  process.exitCode = 1;
});

suite({ test, factory });
