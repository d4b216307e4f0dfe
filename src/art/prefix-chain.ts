/**
 * Prefix chains: runs of key bytes longer than one Prefix node holds
 * (PREFIX_MAX_INLINE) become several Prefix nodes, each pointing at the next.
 * Insert builds them when it splits a leaf or a Prefix; the sizing helpers let
 * it check the frame has room before it writes anything.
 */
import type { Frame } from '../layout/frame.js';
import { PREFIX_BYTES, PREFIX_CHILD, PREFIX_MAX_INLINE, prefixSize, setPrefixLen } from '../layout/prefix.js';
import { NODE_PREFIX } from '../layout/node-types.js';
import { writeRef } from './node-ops.js';

/** Bytes and allocations a prefix chain of `len` bytes needs. */
export function prefixChainBytes(len: number): number {
  let bytes = 0;
  while (len > 0) {
    const n = len > PREFIX_MAX_INLINE ? PREFIX_MAX_INLINE : len;
    bytes += prefixSize(n);
    len -= n;
  }
  return bytes;
}

export function prefixChainNodes(len: number): number {
  return Math.ceil(len / PREFIX_MAX_INLINE);
}

/**
 * Build a chain of Prefix nodes spelling `src[from..to)` (bytes of `srcBuf`,
 * which may be the frame's own bytes) ending at `child`. Returns the head offset,
 * or `child` when the range is empty.
 */
export function makePrefixChain(f: Frame, srcBuf: Uint8Array, from: number, to: number, child: number): number {
  let next = child;
  // Build from the tail so each node can point at the one after it.
  let end = to;
  while (end > from) {
    const n = end - from > PREFIX_MAX_INLINE ? ((end - from) % PREFIX_MAX_INLINE || PREFIX_MAX_INLINE) : end - from;
    const start = end - n;
    const off = f.alloc(prefixSize(n), NODE_PREFIX);
    setPrefixLen(f, off, n);
    writeRef(f, off + PREFIX_CHILD, next);
    const dst = off + PREFIX_BYTES;
    for (let i = 0; i < n; i++) f.u8[dst + i] = srcBuf[start + i]!;
    next = off;
    end = start;
  }
  return next;
}
