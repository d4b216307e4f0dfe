// A script whose last act is awaiting I/O: it must print and exit 0 under every
// runtime and backend, which it can only do if the pending operations keep the
// event loop alive (nothing else does here: no timer, no socket). HOLT_IO picks
// the backend. Usage: <runtime> pending-sync.mjs FILE
import { loadIo } from '../../dist/io/index.js';

const [path] = process.argv.slice(2);
let io;
try {
  io = loadIo();
} catch (e) {
  console.log(`refused ${e.code}: ${e.message}`);
  process.exit(3);
}
const file = io.open(path, { create: true });
await file.pwriteAsync(new TextEncoder().encode('pending'), 0);
await file.fdatasyncAsync();
const back = new Uint8Array(7);
const [n] = await file.preadManyAsync([{ buf: back, offset: 0 }]);
await file.fsyncAsync();
file.close();
console.log(`synced ${io.kind} ${io.backend} ${n} ${new TextDecoder().decode(back)}`);
