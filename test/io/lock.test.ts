import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isIoError, type Io, type LockMode } from '../../src/io/index.js';
import { testDir } from '../support/temp-dir.js';
import { thrown } from '../support/thrown.js';
import { implementations } from './helpers.js';

/** The compiled entry the child imports; the vitest global setup builds dist/ first. */
const DIST_IO = pathToFileURL(fileURLToPath(new URL('../../dist/io/index.js', import.meta.url))).href;

/** A child process that takes `mode` on `file`, says "locked", and holds it until killed. */
async function holdLockInChild(file: string, mode: LockMode): Promise<ChildProcess> {
  const script = `
    const { loadIo } = await import(${JSON.stringify(DIST_IO)});
    const h = loadIo({ prefer: 'native' }).open(${JSON.stringify(file)}, { create: true });
    h.lock(${JSON.stringify(mode)});
    process.stdout.write('locked\\n');
    // Keep the handle reachable: a collected native handle closes its descriptor, dropping the lock.
    setInterval(() => h.size(), 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe.each(implementations)('flock across processes ($label in the parent)', ({ io: getIo }) => {
  let io: Io;
  let dir: string;
  let lockFile: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    io = getIo();
    dir = testDir('io');
    lockFile = path.join(dir, 'store.lock');
  });

  afterEach(async () => {
    if (child) await kill(child);
    child = undefined;
  });

  it('an exclusive lock in another process gives LOCKED, then frees when it exits', async () => {
    child = await holdLockInChild(lockFile, 'exclusive');
    const h = io.open(lockFile);
    try {
      const e = thrown(() => h.lock('exclusive'));
      expect(isIoError(e, 'LOCKED')).toBe(true);
      expect(e.path).toBe(lockFile);
      expect(isIoError(thrown(() => h.lock('shared')), 'LOCKED')).toBe(true);
      await kill(child);
      h.lock('exclusive'); // the kernel dropped the dead child's lock
      h.unlock();
    } finally {
      h.close();
    }
  });

  it('shared locks coexist; exclusive waits for all of them', async () => {
    child = await holdLockInChild(lockFile, 'shared');
    const h = io.open(lockFile);
    try {
      h.lock('shared');
      expect(isIoError(thrown(() => h.lock('exclusive')), 'LOCKED')).toBe(true);
      h.unlock();
      const other = io.open(lockFile);
      expect(isIoError(thrown(() => other.lock('exclusive')), 'LOCKED')).toBe(true);
      other.close();
    } finally {
      h.close();
    }
  });

  it('two handles in one process exclude each other (flock is per open file)', () => {
    const a = io.open(lockFile, { create: true });
    const b = io.open(lockFile);
    try {
      a.lock('exclusive');
      expect(isIoError(thrown(() => b.lock('shared')), 'LOCKED')).toBe(true);
      a.close(); // closing releases the lock
      b.lock('exclusive');
    } finally {
      a.close();
      b.close();
    }
  });
});
