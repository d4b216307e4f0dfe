/**
 * How run.mjs talks to its build and measurement processes: the job goes in as JSON in
 * argv[2], the result comes back as a JSON file the child rewrites after every phase. A
 * file rather than stdout or IPC, so a child the cgroup OOM-kills still leaves the phases it
 * finished, and so the `sh -c ... exec` hop into the cgroup needs no channel to survive it.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { commandInGroup } from './cgroup.mjs';

/**
 * @typedef {object} ChildOutcome
 * @property {any} result  the last result the child wrote, or undefined
 * @property {number | null} code
 * @property {string | null} signal
 * @property {boolean} timedOut
 */

/**
 * Runs `script` with `job` and waits for it; kills it (by its own pid) after timeoutMs.
 * `env`: variables added to this process's environment for the child (HOLT_BENCH_DIST).
 * @param {string} script
 * @param {Record<string, unknown>} job
 * @param {{ timeoutMs: number, group?: import('./cgroup.mjs').MemoryGroup, nodeArgs?: string[], env?: Record<string, string> }} options
 * @returns {Promise<ChildOutcome>}
 */
export async function runChild(script, job, { timeoutMs, group, nodeArgs = [], env }) {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'holt-cold-')), 'result.json');
  const argv = [process.execPath, ...nodeArgs, script, JSON.stringify({ ...job, resultFile })];
  const { file, args } = group ? commandInGroup(group, argv) : { file: argv[0], args: argv.slice(1) };
  const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], env: env ? { ...process.env, ...env } : process.env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  /** @type {[number | null, string | null]} */
  const [code, signal] = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    result = undefined;
  }
  fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  return { result, code, signal, timedOut };
}

/** @returns {any} the job this child was started with */
export function childJob() {
  return JSON.parse(process.argv[2]);
}

/**
 * Replaces the result file atomically (a kill mid-write leaves the previous one).
 * @param {{ resultFile: string }} job
 * @param {unknown} result
 */
export function writeResult(job, result) {
  const tmp = `${job.resultFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result));
  fs.renameSync(tmp, job.resultFile);
}
