/** A description of the machine a run happened on, for RESULTS.md and the JSON. */

import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';

/** @param {string} dir */
function filesystemOf(dir) {
  const result = spawnSync('df', ['-T', dir], { encoding: 'utf8' });
  const line = result.status === 0 ? result.stdout.trim().split('\n')[1] : undefined;
  return line ? line.split(/\s+/)[1] : 'unknown';
}

export function describeMachine() {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    kernel,
    node: process.version,
    tmpdir: os.tmpdir(),
    tmpdirFs: filesystemOf(os.tmpdir()),
    memoryModeDir: fs.existsSync('/dev/shm') ? '/dev/shm (tmpfs)' : `${os.tmpdir()} (no /dev/shm)`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
