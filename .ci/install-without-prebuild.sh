#!/usr/bin/env bash
# An install that never fails: no prebuild for the platform (prebuilds/ removed
# from a copy of the tree) and no compiler (lib/no-compiler.sh). `npm ci` must
# still succeed, with the addon absent, and the engine must run on node:fs:
# the runtime smoke (100,000 keys, reopen, snapshot, holt/io, DuckDB) passes,
# one process warning says aligned I/O is off, and db.stats() says why.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib/no-compiler.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/holt-noprebuild.XXXXXX")"
trap 'rm -rf "$work"' EXIT
no_compiler_copy "$work"
rm -rf prebuilds

npm ci 2>&1 | tee "$work/install.log"
if [ ! -e "$calls" ]; then echo "the install never tried to compile: is prebuilds/ still there?" >&2; exit 1; fi
if [ -e build/Release/holt_io.node ]; then echo "an addon was built despite the shims" >&2; exit 1; fi
grep -q "installed anyway: it will run on node:fs" "$work/install.log" || { echo "the install did not say what it fell back to" >&2; exit 1; }

mkdir -p "$work/smoke"
node test/runtimes/smoke.mjs "$work/smoke" --duckdb > "$work/smoke.out" 2> "$work/smoke.err" || {
  cat "$work/smoke.out" "$work/smoke.err" >&2; echo "the smoke failed without the addon" >&2; exit 1
}
cat "$work/smoke.out"
grep -q '^ok .*"io":"fs".*"ioReason":"aligned I/O is off: the holt_io native addon did not load' "$work/smoke.out" || {
  echo "db.stats() does not say that aligned I/O is off and why" >&2; exit 1
}
warnings="$(grep -c 'HOLT_NO_NATIVE_IO' "$work/smoke.err" || true)"
[ "$warnings" = 1 ] || { cat "$work/smoke.err" >&2; echo "expected one HOLT_NO_NATIVE_IO warning, got $warnings" >&2; exit 1; }
# The CLI in the same install, as a user would look.
npx holt stats "$work/smoke/db" | grep -E 'durable\.(io|ioReason) ' 
