/**
 * What a soak run prints: one JSON line per cycle and one verdict line at the
 * end. The tally is the single owner of the run's counters; a failure keeps
 * the first mismatch (tree, key, expected, found) so it can be reproduced from
 * the seed.
 */
import type { DB } from '../index.js';

export interface Mismatch {
  tree: string;
  key: string;
  expected: string;
  found: string;
  cycle: number;
}

export class Tally {
  readonly mode: string;
  readonly seed: number;
  readonly started = Date.now();
  cycles = 0;
  ops = 0;
  kills = 0;
  /** Acknowledged operations whose effect was found intact after a reopen. */
  ackedVerified = 0;
  /** Keys compared against the oracle at cycle ends. */
  keysVerified = 0;
  lost = 0;
  wrong = 0;
  verifyErrors = 0;
  first: Mismatch | null = null;
  fatal: string | null = null;

  constructor(mode: string, seed: number) {
    this.mode = mode;
    this.seed = seed;
  }

  /** Record a mismatch; `lost` when an acknowledged or oracle value is missing or older. */
  mismatch(kind: 'lost' | 'wrong', m: Mismatch): void {
    if (kind === 'lost') this.lost++;
    else this.wrong++;
    this.first ??= m;
  }

  get ok(): boolean {
    return this.lost === 0 && this.wrong === 0 && this.verifyErrors === 0 && this.fatal === null;
  }

  verdict(): Record<string, unknown> {
    return {
      verdict: this.ok ? 'PASS' : 'FAIL',
      mode: this.mode,
      seed: `0x${this.seed.toString(16)}`,
      cycles: this.cycles,
      ops: this.ops,
      kills: this.kills,
      ackedVerified: this.ackedVerified,
      keysVerified: this.keysVerified,
      lost: this.lost,
      wrong: this.wrong,
      verifyErrors: this.verifyErrors,
      elapsedSec: Math.round((Date.now() - this.started) / 100) / 10,
      ...(this.first !== null ? { firstMismatch: this.first } : {}),
      ...(this.fatal !== null ? { error: this.fatal } : {}),
    };
  }
}

export function emit(line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** The engine figures a cycle line reports: replay, WAL, checkpoints and cache. */
export function engineFigures(db: DB): Record<string, unknown> {
  const d = db.stats().durable as Record<string, Record<string, number> | null> | null;
  if (d === null) return {};
  const open = d['open'] ?? {};
  const wal = d['wal'] ?? {};
  const cp = d['checkpoint'] ?? {};
  const cache = d['cache'] ?? {};
  return {
    replayRecords: open['replayRecords'],
    replayMs: round1(open['replayMillis']),
    tornTailBytes: open['tornTailBytes'],
    walBytes: wal['walBytes'],
    fdatasyncs: wal['fdatasyncs'],
    checkpoints: cp['succeeded'],
    checkpointsFailed: cp['failed'],
    cache: { hits: cache['hits'], misses: cache['misses'], evictions: cache['evictions'], resident: cache['residentFrames'], dirty: cache['dirtyFrames'] },
  };
}

/** What the last open recovered: log records replayed, replay time, torn tail. */
export function openFigures(db: DB): Record<string, unknown> {
  const d = db.stats().durable as Record<string, Record<string, number> | null> | null;
  const open = d?.['open'] ?? {};
  return { replayRecords: open['replayRecords'], replayMs: round1(open['replayMillis']), tornTailBytes: open['tornTailBytes'] };
}

export function round1(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n * 10) / 10;
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${code !== undefined ? `${String(code)}: ` : ''}${e.message}`;
  }
  return String(e);
}
