// Run inside a fresh install made without a compiler: the addon must be the
// committed prebuild (not a build/ that something compiled, not the node:fs
// fallback that loadIo() silently picks when the addon fails to load), built
// from the sources in the tree, and it must really do I/O. The linux-arm64
// prebuild must carry the same stamp (npm run prebuild:check-arm64 runs it).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStamp, embeddedStamp } from '../native/build-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Through the package's own export map, as a user's `import 'holt/io'` goes.
const io = await import('holt/io');
const { nativeBindingPath, nativeBinding } = await import('../dist/io/native-binding.js');

const problems = [];
const expected = join(root, 'prebuilds', 'linux-x64', 'holt.glibc.node');
if (existsSync(join(root, 'build'))) problems.push('build/ exists: something ran node-gyp');
if (!io.nativeIoAvailable()) problems.push(`the addon did not load: ${io.nativeLoadError()}`);
else if (nativeBindingPath() !== expected) problems.push(`loaded ${nativeBindingPath()}, not ${relative(root, expected)}`);
else if (nativeBinding().buildStamp !== buildStamp(root)) problems.push('the committed prebuild is stale (npm run prebuild)');
// The linux-arm64 binary cannot run here: its stamp is read from its bytes.
const arm64 = join(root, 'prebuilds', 'linux-arm64', 'holt.glibc.node');
try {
  if (embeddedStamp(arm64, 'arm64') !== buildStamp(root)) problems.push(`${relative(root, arm64)} is stale (npm run prebuild:arm64)`);
} catch (e) {
  problems.push(e.message);
}

const native = io.loadIo();
if (native.kind !== 'native') problems.push(`loadIo() gave the ${native.kind} implementation`);
const dir = mkdtempSync(join(tmpdir(), 'holt-prebuild-'));
try {
  const file = native.open(join(dir, 'f'), { create: true });
  file.pwrite(new TextEncoder().encode('prebuild'), 0);
  const back = new Uint8Array(8);
  file.pread(back, 0);
  file.close();
  if (new TextDecoder().decode(back) !== 'prebuild') problems.push('read back the wrong bytes');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`prebuild check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`prebuild check: ${relative(root, expected)} loaded, ${relative(root, arm64)} current, stamp ${buildStamp(root).slice(0, 12)}, I/O ok`);
