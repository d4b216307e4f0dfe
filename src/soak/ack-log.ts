/**
 * The crash child's operation log, the ground truth its parent checks the
 * database against after a SIGKILL.
 *
 *   W <rev> P <i>        intent: about to put revision <rev> under key i
 *   W <rev> D <i>        intent: about to delete key i (the delete's own revision)
 *   A <rev> <cp>         acknowledged: every op with revision ≤ <rev> is durable;
 *                        <cp> is the child's count of finished checkpoints
 *
 * Intents are written (not synced) before the operation is issued: a SIGKILL
 * leaves the kernel's page cache intact, so every op the child may have
 * issued is named in the log. An ack line is written only after `db.sync()`
 * resolved for every op it covers, then fdatasynced. A last line without its
 * newline is torn and ignored, and parsing stops at the first malformed line.
 * (A power cut could lose intents that reached the database; this harness
 * simulates process crashes only.)
 */
import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';

/** The ack log's file name in the soak directory. */
export const ACK_LOG = 'soak-ack.log';
/** Revisions are round x REVS_PER_ROUND + n, so they increase across rounds. */
export const REVS_PER_ROUND = 1_000_000_000;

export type Intent = { rev: number; kind: 'P' | 'D'; i: number };

export interface ParsedAckLog {
  /** Every intent in issue order. */
  intents: Intent[];
  /** Highest acknowledged revision; 0 when nothing was acknowledged. */
  acked: number;
  /** The child's checkpoint count at its last ack. */
  checkpoints: number;
  /** Bytes after the last complete line (a torn write). */
  tornBytes: number;
}

export class AckLogWriter {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  intent(rev: number, kind: 'P' | 'D', i: number): void {
    writeSync(this.fd, `W ${rev} ${kind} ${i}\n`);
  }

  /** `count` intents in one write: `intent(n)` for n = 0..count-1. */
  intents(count: number, intent: (n: number) => Intent): void {
    const lines: string[] = [];
    for (let n = 0; n < count; n++) {
      const w = intent(n);
      lines.push(`W ${w.rev} ${w.kind} ${w.i}\n`);
    }
    writeSync(this.fd, lines.join(''));
  }

  ack(rev: number, checkpoints: number): void {
    writeSync(this.fd, `A ${rev} ${checkpoints}\n`);
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

const LINE = /^(?:W (\d+) ([PD]) (\d+)|A (\d+) (\d+))$/;

export function readAckLog(path: string): ParsedAckLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { intents: [], acked: 0, checkpoints: 0, tornBytes: 0 };
    throw e;
  }
  const out: ParsedAckLog = { intents: [], acked: 0, checkpoints: 0, tornBytes: 0 };
  const end = text.lastIndexOf('\n') + 1;
  out.tornBytes = text.length - end;
  for (const line of text.slice(0, end).split('\n')) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (m === null) break;
    if (m[1] !== undefined) out.intents.push({ rev: Number(m[1]), kind: m[2] as 'P' | 'D', i: Number(m[3]) });
    else {
      out.acked = Math.max(out.acked, Number(m[4]));
      out.checkpoints = Number(m[5]);
    }
  }
  return out;
}
