/**
 * The scale curves as one self-contained SVG: a panel per (workload, op), log-log axes
 * (keys vs ns/op), a polyline per engine with p10-p90 whiskers at each point.
 */

import { formatSize } from './format.mjs';

const COLORS = {
  'holt-memory': '#d62728',
  'holt-file': '#ff7f0e',
  lmdb: '#1f77b4',
  'better-sqlite3': '#2ca02c',
  'classic-level': '#9467bd',
  'js-baseline': '#7f7f7f',
};
const PANEL_W = 440;
const PANEL_H = 300;
const MARGIN = { left: 64, right: 16, top: 34, bottom: 40 };
const COLUMNS = 2;
const LEGEND_H = 36;

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** @param {number} x */
const n = (x) => x.toFixed(1);

/** @param {number} ns */
function nsLabel(ns) {
  if (ns >= 1e6) return `${ns / 1e6} ms`;
  if (ns >= 1e3) return `${ns / 1e3} µs`;
  return `${ns} ns`;
}

/**
 * @param {Array<{ workload: string, op: string, engine: string, size: number, median: number, p10: number, p90: number }>} points
 * @param {string} subtitle
 * @returns {string}
 */
export function scaleSvg(points, subtitle) {
  const panels = [...new Set(points.map((p) => `${p.workload} ${p.op}`))];
  const engines = Object.keys(COLORS).filter((e) => points.some((p) => p.engine === e));
  const rows = Math.max(1, Math.ceil(panels.length / COLUMNS));
  const width = PANEL_W * COLUMNS;
  const height = LEGEND_H + 28 + rows * PANEL_H;
  /** @type {string[]} */
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">Holt scale curve: ns/op vs keys (memory mode, log-log)</text>`,
    `<text x="12" y="36" fill="#555">${esc(subtitle)}</text>`,
  ];
  engines.forEach((engine, i) => {
    const x = 12 + i * 140;
    const color = COLORS[/** @type {keyof typeof COLORS} */ (engine)];
    out.push(`<line x1="${x}" y1="${LEGEND_H + 14}" x2="${x + 20}" y2="${LEGEND_H + 14}" stroke="${color}" stroke-width="2.5"/>`);
    out.push(`<text x="${x + 26}" y="${LEGEND_H + 18}">${esc(engine)}</text>`);
  });

  panels.forEach((panel, index) => {
    const ox = (index % COLUMNS) * PANEL_W;
    const oy = LEGEND_H + 28 + Math.floor(index / COLUMNS) * PANEL_H;
    const mine = points.filter((p) => `${p.workload} ${p.op}` === panel);
    const sizes = [...new Set(mine.map((p) => p.size))].sort((a, b) => a - b);
    const lo = Math.min(...mine.map((p) => p.p10 || p.median));
    const hi = Math.max(...mine.map((p) => p.p90 || p.median));
    const yMin = Math.floor(Math.log10(Math.max(1, lo)));
    const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(1, hi))));
    const xMin = Math.log10(sizes[0]);
    const xMax = Math.max(xMin + 1, Math.log10(sizes[sizes.length - 1]));
    const plotW = PANEL_W - MARGIN.left - MARGIN.right;
    const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
    const px = (/** @type {number} */ size) => ox + MARGIN.left + ((Math.log10(size) - xMin) / (xMax - xMin || 1)) * plotW;
    const py = (/** @type {number} */ ns) => oy + MARGIN.top + (1 - (Math.log10(Math.max(1, ns)) - yMin) / (yMax - yMin)) * plotH;

    out.push(`<g>`);
    out.push(`<text x="${ox + MARGIN.left}" y="${oy + 20}" font-size="13" font-weight="bold">${esc(panel)}</text>`);
    out.push(`<rect x="${ox + MARGIN.left}" y="${oy + MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
    for (let e = yMin; e <= yMax; e++) {
      for (const m of e < yMax ? [1, 2, 5] : [1]) {
        const v = m * 10 ** e;
        const y = py(v);
        out.push(`<line x1="${ox + MARGIN.left}" y1="${n(y)}" x2="${ox + MARGIN.left + plotW}" y2="${n(y)}" stroke="${m === 1 ? '#ddd' : '#f0f0f0'}"/>`);
        if (m === 1) out.push(`<text x="${ox + MARGIN.left - 6}" y="${n(y + 4)}" text-anchor="end">${nsLabel(v)}</text>`);
      }
    }
    for (const size of sizes) {
      const x = px(size);
      out.push(`<line x1="${n(x)}" y1="${oy + MARGIN.top}" x2="${n(x)}" y2="${oy + MARGIN.top + plotH}" stroke="#eee"/>`);
      out.push(`<text x="${n(x)}" y="${oy + MARGIN.top + plotH + 16}" text-anchor="middle">${formatSize(size)} keys</text>`);
    }
    for (const engine of engines) {
      const color = COLORS[/** @type {keyof typeof COLORS} */ (engine)];
      const line = mine.filter((p) => p.engine === engine).sort((a, b) => a.size - b.size);
      if (line.length === 0) continue;
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${line.map((p) => `${n(px(p.size))},${n(py(p.median))}`).join(' ')}"/>`);
      for (const p of line) {
        const x = px(p.size);
        out.push(`<line x1="${n(x)}" y1="${n(py(p.p10))}" x2="${n(x)}" y2="${n(py(p.p90))}" stroke="${color}" stroke-width="1"/>`);
        out.push(`<circle cx="${n(x)}" cy="${n(py(p.median))}" r="3" fill="${color}"><title>${esc(`${engine} ${formatSize(p.size)}: ${Math.round(p.median)} ns/op`)}</title></circle>`);
      }
    }
    out.push(`</g>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
