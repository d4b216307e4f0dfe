/**
 * What the kernel counts for this process: bytes it caused to be read from storage
 * (`read_bytes` in /proc/self/io: block-device reads, including O_DIRECT reads and page
 * faults on a mapped file, but not page-cache hits) and its resident memory split into
 * anonymous (heap, buffer pools) and file-backed (mapped files, such as lmdb's map).
 * The split matters: a memory-mapped engine's RSS is mostly page cache it shares with
 * the kernel, while Holt's is its own buffer pool.
 */

import fs from 'node:fs';

/** @returns {number} bytes read from storage by this process so far */
export function readBytes() {
  const io = fs.readFileSync('/proc/self/io', 'utf8');
  const match = /^read_bytes:\s*(\d+)/m.exec(io);
  return match ? Number(match[1]) : NaN;
}

/**
 * @typedef {object} MemorySample
 * @property {number} rssMiB
 * @property {number} peakRssMiB  VmHWM: the highest RSS since the process started
 * @property {number} anonMiB
 * @property {number} fileMiB
 * @property {number} heapMiB  V8 heap used
 */

/** @returns {MemorySample} */
export function memorySample() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kib = (/** @type {string} */ field) => {
    const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : NaN;
  };
  return {
    rssMiB: kib('VmRSS'),
    peakRssMiB: kib('VmHWM'),
    anonMiB: kib('RssAnon'),
    fileMiB: kib('RssFile') + kib('RssShmem'),
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}
