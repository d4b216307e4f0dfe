/** Absolute paths of the bench folder and its outputs. */

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const LATEST_JSON = path.join(RESULTS_DIR, 'latest.json');
export const BASELINE_JSON = path.join(RESULTS_DIR, 'baseline.json');
export const SCALE_SVG = path.join(RESULTS_DIR, 'scale.svg');
export const RESULTS_MD = path.join(BENCH_DIR, 'RESULTS.md');
export const IO_RESULTS_MD = path.join(BENCH_DIR, 'io', 'RESULTS.md');
export const WORKER = path.join(BENCH_DIR, 'engine-worker.mjs');
/**
 * Holt's compiled entry point: ../dist/index.js from bench/. HOLT_BENCH_DIST points at
 * another build (a second checkout, or a stand-in while the engine is being built).
 */
export const HOLT_DIST = process.env.HOLT_BENCH_DIST ? path.resolve(process.env.HOLT_BENCH_DIST) : path.join(ROOT_DIR, 'dist', 'index.js');
/** `holt/level` of the same build. */
export const HOLT_LEVEL_DIST = path.join(path.dirname(HOLT_DIST), 'level', 'index.js');
