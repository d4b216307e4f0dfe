/**
 * The parent side of the crash modes: until the deadline, start a `child`
 * writer on the same directory, let it live a random time in
 * [--kill-min-ms, --kill-max-ms], SIGKILL it, reopen the database and check it
 * against the child's ack log (crash-check.ts). Three rounds in four reopen
 * read-only, which replays the log in memory and leaves it for the next child
 * to recover again; the fourth opens writable, so recovery is followed by a
 * checkpoint. Half the rounds time the kill from the spawn, so kills land in
 * process start and recovery; the other half from the child's ready signal
 * (recovery done), so kills land in writes, group commits and checkpoints. A child that exits by itself is a failure (it never should).
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACK_LOG, readAckLog } from './ack-log.js';
import { checkAfterCrash, type KeyState } from './crash-check.js';
import { dbPath, openDb } from './open-db.js';
import type { SoakOptions } from './options.js';
import { Rng } from './rng.js';
import { Tally, describeError, emit, engineFigures, round1 } from './report.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

interface ChildRun {
  lifetimeMs: number;
  /** Whether the child had finished opening the database when it was killed. */
  opened: boolean;
  /** Set when the child exited before it was killed. */
  earlyExit: string | null;
}

function runChildFor(o: SoakOptions, dir: string, round: number, lifetimeMs: number, fromReady: boolean): Promise<ChildRun> {
  const args = [
    MAIN, '--mode', 'child', '--child-of', o.mode, '--dir', dir, '--round', String(round), '--seed', String(o.seed),
    '--keys', String(o.keys), '--durability', o.durability, '--cache-mb', String(o.cacheMB),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let opened = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => { timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, lifetimeMs); };
    child.stdout.on('data', () => {
      if (opened) return;
      opened = true;
      if (fromReady) arm();
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { if (stderr.length < 4000) stderr += s; });
    const started = performance.now();
    let killed = false;
    if (!fromReady) arm();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lived = performance.now() - started;
      if (killed && signal === 'SIGKILL') resolve({ lifetimeMs: lived, opened, earlyExit: null });
      else resolve({ lifetimeMs: lived, opened, earlyExit: `child exited by itself (code ${String(code)}, signal ${String(signal)}): ${stderr.trim()}` });
    });
  });
}

export async function runKillLoop(o: SoakOptions, dir: string, tally: Tally, treeNames: readonly string[]): Promise<void> {
  const deadline = Date.now() + o.durationSec * 1000;
  const rng = new Rng(o.seed);
  const base = new Map<number, KeyState>();
  for (let round = 1; Date.now() < deadline && tally.ok; round++) {
    rmSync(join(dir, ACK_LOG), { force: true });
    const fromReady = rng.chance(0.5);
    const run = await runChildFor(o, dir, round, rng.between(o.killMinMs, o.killMaxMs), fromReady);
    if (run.earlyExit !== null) {
      tally.fatal = `round ${round}: ${run.earlyExit}`;
      break;
    }
    tally.kills++;
    const log = readAckLog(join(dir, ACK_LOG));
    const readOnly = rng.below(4) !== 0 && existsSync(join(dbPath(dir), 'LOCK'));
    const t0 = performance.now();
    let db;
    try {
      db = openDb(dir, o, { readOnly });
    } catch (e) {
      tally.fatal = `round ${round}: reopen (${readOnly ? 'read-only' : 'writable'}) after SIGKILL failed: ${describeError(e)}`;
      break;
    }
    const reopenMs = performance.now() - t0;
    try {
      const figures = engineFigures(db);
      const r = checkAfterCrash(db, treeNames, base, log, tally, round);
      tally.cycles++;
      tally.ops += log.intents.length;
      emit({
        mode: o.mode, cycle: round, lifetimeMs: Math.round(run.lifetimeMs), killTimedFrom: fromReady ? 'ready' : 'spawn', killedAfterOpen: run.opened, opsIssued: log.intents.length, acked: r.acked,
        unackedSurvivors: r.unackedSurvivors, keysChecked: r.keys, ackedVerified: tally.ackedVerified, kills: tally.kills,
        reopen: readOnly ? 'read-only' : 'writable', reopenMs: round1(reopenMs), childCheckpoints: log.checkpoints,
        ackLogTornBytes: log.tornBytes, ...figures, ok: tally.ok,
      });
    } catch (e) {
      tally.fatal = `round ${round}: check failed: ${describeError(e)}`;
    } finally {
      try {
        await db.close();
      } catch (e) {
        tally.fatal ??= `round ${round}: close after check failed: ${describeError(e)}`;
      }
    }
  }
}
