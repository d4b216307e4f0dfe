#!/usr/bin/env node
/**
 * `node bench/selftest.mjs [engine,...] [--show]`: drives every adapter through the same small
 * script (writes, renames, deletes, listings with and without the delimiter, string and
 * binary keys) and checks they all answer alike. Run it after touching an adapter; the
 * benchmark's probe only covers what the workloads happen to exercise. --show prints
 * the first transcript of each key type.
 */

import fs from 'node:fs';
import { ENGINE_NAMES, loadEngine } from './adapters/index.mjs';
import { holtUnavailableReason } from './lib/deps.mjs';
import { makeDataDir } from './engine-worker.mjs';

/** @param {unknown} key */
const text = (key) => (typeof key === 'string' ? key : Buffer.from(/** @type {Uint8Array} */ (key)).toString('latin1'));

/**
 * The script, run against one adapter; returns a transcript of every answer.
 * @param {import('./adapters/index.mjs').Adapter} a
 * @param {'string' | 'binary'} keyType
 */
async function script(a, keyType) {
  const k = (/** @type {string} */ s) => (keyType === 'string' ? s : Buffer.from(s, 'latin1'));
  const v = (/** @type {string} */ s) => Buffer.from(s);
  /** @type {unknown[]} */
  const log = [];
  const names = ['a/1', 'a/2', 'a/b/1', 'a/b/2', 'a/c/1', 'a3', 'a/d', 'b/1', 'ab/1'];
  await a.load(names.map(k), names.map((n) => v(`v:${n}`)));
  const get = async (/** @type {string} */ s) => {
    const value = await a.get(k(s));
    return value === undefined ? null : Buffer.from(value).toString();
  };
  const list = async (/** @type {string} */ p, /** @type {number} */ n) => (await a.list(k(p), n)).map(([key, value]) => `${text(key)}=${Buffer.from(value).toString()}`);
  const dir = async (/** @type {string} */ p, /** @type {number} */ n) => (await a.listDir(k(p), '/', n)).map(text);

  log.push(['get a/1', await get('a/1')], ['get missing', await get('zz')]);
  log.push(['list a/ 3', await list('a/', 3)], ['list a/ all', await list('a/', 100)]);
  log.push(['dir a/', await dir('a/', 100)], ['dir a/ 2', await dir('a/', 2)], ['dir "" ', await dir('', 100)]);
  await a.put(k('a/1'), v('new'));
  await a.put(k('a/e'), v('e'));
  log.push(['after put', await get('a/1'), await get('a/e')]);
  await a.delete(k('a/e'));
  log.push(['after delete', await get('a/e')]);
  await a.rename(k('a/b/1'), k('a/z/1'));
  log.push(['after rename', await get('a/b/1'), await get('a/z/1'), await dir('a/', 100)]);
  await a.rename(k('a/z/1'), k('a/2'));
  log.push(['rename overwrite', await get('a/z/1'), await get('a/2'), await list('a/', 100)]);
  return log;
}

async function main() {
  const args = process.argv.slice(2);
  const show = args.includes('--show');
  const list = args.find((arg) => !arg.startsWith('--'));
  const wanted = list ? list.split(',') : ENGINE_NAMES;
  const holtReason = await holtUnavailableReason();
  /** @type {Map<string, string>} */
  const transcripts = new Map();
  let failures = 0;
  for (const name of wanted) {
    const engine = await loadEngine(name);
    if ((engine.holt || engine.usesHolt) && holtReason) {
      process.stdout.write(`skip ${name}: ${holtReason}\n`);
      continue;
    }
    for (const mode of engine.modes.filter((m) => m !== 'durable')) {
      for (const keyType of /** @type {const} */ (['string', 'binary'])) {
        const adapter = await engine.create();
        const dir = makeDataDir(mode);
        try {
          await adapter.open({ mode, dir, keyType });
          const transcript = JSON.stringify(await script(adapter, keyType));
          await adapter.close();
          const reference = transcripts.get(keyType);
          if (reference === undefined) transcripts.set(keyType, transcript);
          if (show && reference === undefined) process.stdout.write(`${transcript}\n`);
          const ok = reference === undefined || reference === transcript;
          if (!ok) failures++;
          process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name} ${mode} ${keyType}${ok ? '' : `\n  expected ${reference}\n  got      ${transcript}`}\n`);
        } catch (error) {
          failures++;
          process.stdout.write(`FAIL ${name} ${mode} ${keyType}: ${/** @type {Error} */ (error).stack}\n`);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  }
  process.stdout.write(failures ? `${failures} failure(s)\n` : 'all adapters agree\n');
  process.exit(failures ? 1 : 0);
}

await main();
