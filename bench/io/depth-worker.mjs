// One queue-depth measurement, in a process of its own so that each run gets
// a fresh libuv pool (UV_THREADPOOL_SIZE is read once, when the pool starts)
// and a fresh io_uring. bench/io/queue-depth.mjs starts it; it prints one line
// of JSON.
//
//   node bench/io/depth-worker.mjs '{"file":"...","method":"io_uring","depth":32,"seconds":3,"seed":1}'
//
// A closed loop: `depth` lanes each keep one random 4 KiB read outstanding,
// issuing the next as soon as the last completes, so exactly `depth` requests
// are in flight. Latency is per request, from issue to promise settlement.
import * as fs from 'node:fs';
import { loadIo } from '../../dist/io/index.js';
import { quantile } from '../lib/stats.mjs';
import { createRng } from '../lib/prng.mjs';

const BLOCK = 4096;
const WARM_SECONDS = 0.3;

const { file, method, depth, seconds, seed } = JSON.parse(process.argv[2]);
const blocks = Math.floor(fs.statSync(file).size / BLOCK);
const rng = createRng(seed);

/** `read(buf, offset)` for the method, and what to close afterwards. */
async function reader() {
  if (method === 'fs.promises') {
    const fh = await fs.promises.open(file, 'r');
    return { read: (buf, offset) => fh.read(buf, 0, BLOCK, offset), close: () => fh.close(), alloc: () => new Uint8Array(BLOCK), io: 'buffered' };
  }
  const io = loadIo({ backend: method });
  const h = io.open(file, { direct: true, readOnly: true });
  if (!h.direct) throw new Error(`O_DIRECT refused on ${file}`);
  return { read: (buf, offset) => h.preadAsync(buf, offset), close: () => h.close(), alloc: () => io.allocAligned(BLOCK), io: `O_DIRECT, ${io.backend}` };
}

const r = await reader();
const latencies = [];
let record = false;
let stop = false;

async function lane() {
  const buf = r.alloc();
  while (!stop) {
    const offset = rng.int(blocks) * BLOCK;
    const start = process.hrtime.bigint();
    await r.read(buf, offset);
    if (record) latencies.push(Number(process.hrtime.bigint() - start));
  }
}

const lanes = Array.from({ length: depth }, lane);
await new Promise((resolve) => setTimeout(resolve, WARM_SECONDS * 1000));
record = true;
const began = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
record = false;
const elapsed = Number(process.hrtime.bigint() - began) / 1e9;
stop = true;
await Promise.all(lanes);
await r.close();

latencies.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    method,
    depth,
    io: r.io,
    threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    reads: latencies.length,
    iops: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  }) + '\n',
);
