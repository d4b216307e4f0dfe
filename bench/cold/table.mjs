/**
 * The campaign's tables as rows of strings, rendered two ways: aligned plain text for the
 * console and a Markdown table for COLD.md. The first column is a label, the rest numbers
 * (right-aligned in both).
 */

/**
 * @param {string[][]} rows  header first
 * @returns {string}
 */
export function textTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (/** @type {string[]} */ r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * @param {string[][]} rows  header first
 * @returns {string}
 */
export function markdownTable(rows) {
  const [head, ...body] = rows;
  const align = head.map((_, c) => (c === 0 ? ':--' : '--:'));
  return [head, align, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
