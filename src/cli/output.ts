/**
 * Writing results: raw bytes, lines, aligned tables, and waiting for stdout to
 * drain so large outputs piped to `head` or a file are complete and ordered.
 */
import { once } from 'node:events';

export async function write(chunk: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(columns: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) out.push(line(r));
  return out.join('\n') + '\n';
}

/** A value for display: text when it is UTF-8, otherwise hex. */
export function displayBytes(b: Buffer): string {
  const s = b.toString('utf8');
  return Buffer.from(s, 'utf8').equals(b) ? s : '0x' + b.toString('hex');
}
