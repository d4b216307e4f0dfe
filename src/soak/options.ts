/**
 * Command-line flags of the soak harness and their defaults. The defaults
 * finish in about a minute; docs/TESTING.md shows settings for hours.
 */

export type SoakMode = 'normal' | 'db-normal' | 'crash' | 'db-crash' | 'bulk-crash' | 'live-readers' | 'child' | 'live-writer' | 'live-reader';
export const MODES: readonly SoakMode[] = ['normal', 'db-normal', 'crash', 'db-crash', 'bulk-crash', 'live-readers', 'child', 'live-writer', 'live-reader'];
/** The crash modes: a parent SIGKILLs a `child` of this kind. */
export type CrashMode = 'crash' | 'db-crash' | 'bulk-crash';
/** Modes a parent starts its child processes in (they need --dir and never end by themselves). */
export const CHILD_MODES: readonly SoakMode[] = ['child', 'live-writer', 'live-reader'];

export interface SoakOptions {
  mode: SoakMode;
  /** Working directory; undefined means a fresh temporary one, removed after a pass. */
  dir: string | undefined;
  reset: boolean;
  durationSec: number;
  keys: number;
  /** Total operations for normal modes (the run stops at whichever of ops and duration comes first). */
  ops: number;
  seed: number;
  killMinMs: number;
  killMaxMs: number;
  durability: 'fast' | 'sync';
  cacheMB: number;
  /** child only: which crash mode spawned it, and the round number. */
  childOf: CrashMode;
  round: number;
}

export const DEFAULTS: SoakOptions = {
  mode: 'normal',
  dir: undefined,
  reset: false,
  durationSec: 60,
  keys: 20_000,
  ops: 2_000_000,
  seed: 0xd15ea5ed,
  killMinMs: 100,
  killMaxMs: 1000,
  durability: 'fast',
  cacheMB: 64,
  childOf: 'crash',
  round: 0,
};

export const USAGE = `usage: holt soak --mode normal|db-normal|crash|db-crash|bulk-crash|live-readers [flags]
  (bulk-crash: a writer loads runs of thousands of puts in synchronous loops, so that with a
   small --cache-mb its dirty frames spill; SIGKILLed and checked like crash)
  --dir DIR          working directory (default: a fresh temporary directory, removed after a pass)
  --reset            empty DIR first (only a directory this harness created, marked by .holt-soak)
  --duration SEC     run time in seconds (default ${DEFAULTS.durationSec})
  --keys N           key space size (default ${DEFAULTS.keys})
  --ops N            operation budget for normal modes (default ${DEFAULTS.ops})
  --seed N           decimal or 0x-hex 32-bit seed (default 0x${DEFAULTS.seed.toString(16)})
  --kill-min-ms N    crash modes: shortest child lifetime (default ${DEFAULTS.killMinMs});
                     live-readers: a writer and four reader processes, one SIGKILLed and
                     replaced every 0.2-1.5 s, readers checking every state they see
  --kill-max-ms N    crash modes: longest child lifetime (default ${DEFAULTS.killMaxMs})
  --durability fast|sync   (default ${DEFAULTS.durability})
  --cache-mb N       frame cache budget (default ${DEFAULTS.cacheMB})`;

export class UsageError extends Error {}

function integer(flag: string, raw: string | undefined, min: number): number {
  if (raw === undefined) throw new UsageError(`${flag} needs a value`);
  const n = /^0x[0-9a-f]+$/i.test(raw) ? parseInt(raw.slice(2), 16) : Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Parse argv (without the node and script names). Throws UsageError. */
export function parseOptions(argv: readonly string[]): SoakOptions {
  const o: SoakOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--mode': {
        const m = value();
        if (!MODES.includes(m as SoakMode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}`);
        o.mode = m as SoakMode;
        break;
      }
      case '--dir': {
        const d = value();
        if (d === undefined || d === '') throw new UsageError('--dir needs a path');
        o.dir = d;
        break;
      }
      case '--reset': o.reset = true; break;
      case '--duration': case '--duration-secs': o.durationSec = integer(flag, value(), 1); break;
      case '--keys': o.keys = integer(flag, value(), 1); break;
      case '--ops': o.ops = integer(flag, value(), 1); break;
      case '--seed': o.seed = integer(flag, value(), 0) >>> 0; break;
      case '--kill-min-ms': o.killMinMs = integer(flag, value(), 1); break;
      case '--kill-max-ms': o.killMaxMs = integer(flag, value(), 1); break;
      case '--durability': {
        const d = value();
        if (d !== 'fast' && d !== 'sync') throw new UsageError('--durability must be fast or sync');
        o.durability = d;
        break;
      }
      case '--cache-mb': o.cacheMB = integer(flag, value(), 1); break;
      case '--child-of': {
        const c = value();
        if (c !== 'crash' && c !== 'db-crash' && c !== 'bulk-crash') throw new UsageError('--child-of must be crash, db-crash or bulk-crash');
        o.childOf = c;
        break;
      }
      case '--round': o.round = integer(flag, value(), 0); break;
      case '--help': case '-h': throw new UsageError('');
      default: throw new UsageError(`unknown flag ${JSON.stringify(arg)}`);
    }
  }
  if (o.killMaxMs < o.killMinMs) throw new UsageError('--kill-max-ms must be ≥ --kill-min-ms');
  if (o.keys > 9_999_999_999) throw new UsageError('--keys must fit in 10 digits');
  return o;
}
