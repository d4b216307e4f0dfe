/**
 * Progress on stderr for long commands. On a terminal: one redrawn line with a
 * bar, rate and ETA. Otherwise (a log file, CI): a plain line every few
 * seconds, so logs stay readable.
 */
const BAR = 30;

export class Progress {
  private readonly tty: boolean;
  private readonly start = performance.now();
  private lastDraw = 0;
  private readonly intervalMs: number;

  constructor(private readonly label: string, private readonly totalBytes: number) {
    this.tty = process.stderr.isTTY === true;
    this.intervalMs = this.tty ? 100 : 2000;
  }

  /** `items` done so far, `bytes` of input consumed. Cheap to call often. */
  update(items: number, bytes: number): void {
    const now = performance.now();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.draw(items, bytes, now, false);
  }

  finish(items: number, bytes: number): void {
    this.draw(items, bytes, performance.now(), true);
  }

  private draw(items: number, bytes: number, now: number, done: boolean): void {
    const secs = Math.max((now - this.start) / 1000, 1e-3);
    const rate = items / secs;
    const frac = this.totalBytes > 0 ? Math.min(bytes / this.totalBytes, 1) : 1;
    const eta = frac > 0 && !done ? secs / frac - secs : 0;
    const stats = `${items} ${this.label}, ${formatRate(rate)}/s`;
    if (this.tty) {
      const filled = Math.round(frac * BAR);
      const bar = '#'.repeat(filled) + '-'.repeat(BAR - filled);
      const tail = done ? `in ${secs.toFixed(1)}s` : `ETA ${formatSecs(eta)}`;
      process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${stats} ${tail}\x1b[K${done ? '\n' : ''}`);
    } else {
      const tail = done ? `done in ${secs.toFixed(1)}s` : `${(frac * 100).toFixed(0)}%, ETA ${formatSecs(eta)}`;
      process.stderr.write(`${stats}, ${tail}\n`);
    }
  }
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}

function formatSecs(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${s.toFixed(0)}s`;
}
