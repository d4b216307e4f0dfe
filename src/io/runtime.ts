/**
 * Which JavaScript runtime is running this code. Bun and Deno run Node-API
 * addons and most of `node:*`, but neither runs libuv's event loop: Bun has no
 * `uv_poll_*` at all (calling it panics the process), and Deno's loop does not
 * wake for a libuv poll handle, so an io_uring completion would never be seen
 * there. The backend choice (backend.ts) asks this before it touches the ring.
 */
export type JsRuntime = 'node' | 'bun' | 'deno';

export function detectRuntime(versions: Readonly<Record<string, string | undefined>> = process.versions): JsRuntime {
  if (versions['bun'] !== undefined) return 'bun';
  if (versions['deno'] !== undefined) return 'deno';
  return 'node';
}

/** The runtime and its version, as `holt stats` and the warnings print it: `node 20.20.2`. */
export function runtimeLabel(versions: Readonly<Record<string, string | undefined>> = process.versions): string {
  const runtime = detectRuntime(versions);
  return `${runtime} ${versions[runtime] ?? 'unknown'}`;
}
