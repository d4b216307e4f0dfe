// Builds the `holt` DuckDB extension (npm run build:duckdb-ext):
//   1. DuckDB's C extension API headers (duckdb.h, duckdb_extension.h) from the
//      registry's `duckdb` package, fetched once with `npm pack` (its install
//      script never runs) into build/duckdb-ext/include; never committed.
//   2. The sources of this folder compiled into one shared library against the
//      stable C API (v1.2.0), libstdc++ linked in so any DuckDB client loads it.
//   3. DuckDB's 512-byte metadata footer appended: eight 32-byte fields, last
//      first (magic "4", platform, C API version, extension version, ABI type
//      C_STRUCT, three unused), then a 256-byte signature (zeros: unsigned, so a
//      client sets allow_unsigned_extensions).
//   4. The result written to prebuilds/linux-x64/holt.duckdb_extension (the
//      committed build that users get; `npm install` never compiles it).
//
//   node native/duckdb-ext/build.mjs            build and install the prebuild
//   node native/duckdb-ext/build.mjs --stamp    print the source stamp
//
// The stamp (SHA-256 over this folder's sources) is compiled into the binary;
// test/duckdb-ext/prebuild-stamp.test.ts catches a committed build older than its sources.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = join(root, 'native', 'duckdb-ext');
const out = join(root, 'build', 'duckdb-ext');
/** The DuckDB package the headers come from; the C API they declare is pinned to v1.2.0 below. */
const DUCKDB_PACKAGE = 'duckdb@1.4.4';
const C_API_VERSION = 'v1.2.0';
const PLATFORM = 'linux_amd64';
export const PREBUILD = join(root, 'prebuilds', 'linux-x64', 'holt.duckdb_extension');

/** The stamped files, relative to the package root, sorted. */
export function extensionSources(dir = here) {
  return readdirSync(dir).filter((f) => f.endsWith('.cc') || f.endsWith('.h') || f === 'build.mjs').sort();
}

/** Hex SHA-256 over each source's name and text (CRLF folded to LF). */
export function extensionStamp(dir = here) {
  const hash = createHash('sha256');
  for (const f of extensionSources(dir)) {
    const bytes = Buffer.from(readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n'), 'utf8');
    hash.update(`${f}\n${bytes.length}\n`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function headers() {
  const include = join(out, 'include');
  if (existsSync(join(include, 'duckdb_extension.h'))) return include;
  mkdirSync(include, { recursive: true });
  const packed = execFileSync('npm', ['pack', DUCKDB_PACKAGE, '--ignore-scripts', '--silent', '--pack-destination', out], { encoding: 'utf8' }).trim().split('\n').pop();
  const members = ['duckdb.h', 'duckdb_extension.h'].map((h) => `package/src/duckdb/src/include/${h}`);
  execFileSync('tar', ['xzf', join(out, packed), '-C', include, '--strip-components=5', ...members]);
  return include;
}

function field(text) {
  const b = Buffer.alloc(32);
  b.write(text, 'ascii');
  return b;
}

/** DuckDB's metadata footer for an unsigned C API extension. */
export function footer(extensionVersion) {
  const fields = [field(''), field(''), field(''), field('C_STRUCT'), field(extensionVersion), field(C_API_VERSION), field(PLATFORM), field('4')];
  return Buffer.concat([...fields, Buffer.alloc(256)]);
}

function build() {
  const include = headers();
  const stamp = extensionStamp();
  const sources = extensionSources().filter((f) => f.endsWith('.cc')).map((f) => join(here, f));
  const lib = join(out, 'holt.so');
  const cxx = process.env.CXX ?? 'c++';
  execFileSync(cxx, [
    '-std=gnu++17', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-missing-field-initializers',
    '-DDUCKDB_API_EXCLUDE_FUNCTIONS', `-DHOLT_EXT_STAMP="${stamp}"`, `-I${include}`,
    ...sources, '-o', lib,
    '-static-libstdc++', '-static-libgcc', '-Wl,--exclude-libs,ALL', '-s',
  ], { stdio: 'inherit' });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const ext = Buffer.concat([readFileSync(lib), footer(`v${pkg.version}`)]);
  writeFileSync(join(out, 'holt.duckdb_extension'), ext);
  mkdirSync(join(root, 'prebuilds', 'linux-x64'), { recursive: true });
  copyFileSync(join(out, 'holt.duckdb_extension'), PREBUILD);
  process.stdout.write(`${PREBUILD} (${ext.length} bytes, stamp ${stamp.slice(0, 12)})\n`);
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--stamp') process.stdout.write(extensionStamp() + '\n');
  else build();
}
