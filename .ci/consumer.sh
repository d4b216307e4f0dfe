#!/usr/bin/env bash
# holt as a dependency: `npm pack` this tree, install the tarball into a fresh
# project together with its optional peers (@duckdb/node-api, abstract-level)
# exactly as a user would (no versions given: npm must find ones that satisfy
# the peer ranges), then use every entry point from there: holt, holt/duckdb,
# holt/level, holt/io and `npx holt`. npm 11 runs no dependency's install script
# unless the user approves it, so this also proves the run-time prebuild load.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

work="$(mktemp -d "${TMPDIR:-/tmp}/holt-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
app="$work/app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "holt-consumer", "version": "1.0.0", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund "$work/$tarball" @duckdb/node-api abstract-level
node -e "const p = require('./package.json').dependencies; console.log('installed:', Object.entries(p).map(([k, v]) => k + '@' + v).join(' '))"

cp "$root/.ci/consumer-app.mjs" app.mjs
node app.mjs "$work/db"

# The CLI a dependency puts on the project's PATH.
npx holt put "$work/cli" objects acme/a.txt '{"size":1}' >/dev/null
npx holt put "$work/cli" objects acme/docs/b.txt '{"size":2}' >/dev/null
listing="$(npx holt ls "$work/cli" objects acme/ -d /)"
echo "$listing" | grep -q 'PRE docs/' && echo "$listing" | grep -q ' a.txt' || { echo "npx holt ls printed: $listing" >&2; exit 1; }
[ "$(npx holt get "$work/cli" objects acme/a.txt)" = '{"size":1}' ] || { echo "npx holt get gave the wrong value" >&2; exit 1; }
npx holt sql "$work/cli" "SELECT count(*) AS n FROM holt_scan('objects', 'acme/')" --csv | grep -qx '2' || { echo "npx holt sql did not count 2 keys" >&2; exit 1; }
npx holt stats "$work/cli" | grep -E '^db\.durable\.(io|ioBackend|ioReason|runtime) '
echo "consumer: holt, holt/duckdb, holt/level, holt/io and npx holt work from an installed tarball"
