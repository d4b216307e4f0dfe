/**
 * CheckpointSchedule: when the next checkpoint round starts by itself.
 *
 * Three triggers: the live WAL passed `walBytes`, `intervalMs` passed since
 * the last round, or dirty frames fill half the buffer pool (they cannot be
 * evicted: a round makes them clean). `checkpoint: false` turns all three
 * off: the published state then changes only at `checkpoint()` and `close()`,
 * and dirty frames are bounded by spills instead (store/frame-spill.ts), which
 * the writer also falls back on when a synchronous burst never lets a round
 * start. Writes check every 4,096 appends, or at once under memory
 * pressure; a timer checks the time trigger. A round starts on the next turn
 * of the event loop, never inside the write that noticed it, and one at a
 * time.
 */
/** When rounds start by themselves (public as DBOptions.checkpoint). */
export interface CheckpointTriggers {
  /** Checkpoint when the log holds this many bytes (default 64 MiB). */
  walBytes?: number;
  /** Checkpoint at least this often while there are changes (default 30 s). */
  intervalMs?: number;
}

type CheckpointOptions = false | CheckpointTriggers | undefined;

/** What the schedule asks the store before it starts a round. */
export interface ScheduleProbe {
  /** False when no round can run (read-only, not loaded, nothing changed). */
  canRun(): boolean;
  walBytes(): number;
  underMemoryPressure(): boolean;
}

const APPENDS_PER_CHECK = 4096;
/** `checkpoint.walBytes` when not given: 64 MiB of live WAL. */
export const DEFAULT_CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;
/** `checkpoint.intervalMs` when not given: 30 s. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 30_000;

export class CheckpointSchedule {
  private readonly walBytesTrigger: number;
  private readonly intervalMs: number;
  /** Dirty-frame memory starts rounds (not with `checkpoint: false`). */
  private readonly byMemory: boolean;
  private readonly probe: ScheduleProbe;
  private readonly run: () => Promise<void>;
  private timer: NodeJS.Timeout | null = null;
  private appendsSinceCheck = 0;
  private scheduled = false;
  private lastRoundAt = Date.now();

  constructor(options: CheckpointOptions, probe: ScheduleProbe, run: () => Promise<void>) {
    this.walBytesTrigger = options === false ? Infinity : options?.walBytes ?? DEFAULT_CHECKPOINT_WAL_BYTES;
    this.intervalMs = options === false ? Infinity : options?.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.byMemory = options !== false;
    this.probe = probe;
    this.run = run;
  }

  /** Start the timer (a writer, once loaded). */
  start(): void {
    if (!Number.isFinite(this.intervalMs) && !Number.isFinite(this.walBytesTrigger)) return;
    const period = Math.min(Number.isFinite(this.intervalMs) ? this.intervalMs : 1000, 1000);
    this.timer = setInterval(() => this.maybe(false), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** A write was logged. */
  afterWrite(): void {
    if (++this.appendsSinceCheck >= APPENDS_PER_CHECK || (this.byMemory && !this.scheduled && this.probe.underMemoryPressure())) {
      this.appendsSinceCheck = 0;
      this.maybe(true);
    }
  }

  /** A round succeeded: the time trigger counts from now. */
  roundDone(): void {
    this.lastRoundAt = Date.now();
  }

  private maybe(fromWrite: boolean): void {
    if (this.scheduled || !this.probe.canRun()) return;
    const bySize = this.probe.walBytes() >= this.walBytesTrigger;
    const byTime = !fromWrite && Date.now() - this.lastRoundAt >= this.intervalMs;
    if (!bySize && !byTime && !(this.byMemory && this.probe.underMemoryPressure())) return;
    this.scheduled = true;
    setImmediate(() => {
      this.run().catch(() => { /* counted in checkpoints.failed; retried on a later trigger */ }).finally(() => { this.scheduled = false; });
    });
  }
}
