#!/usr/bin/env bash
# A fresh install on a machine with no C++ toolchain: a copy of what a clone
# holds with compiler shims first on PATH (lib/no-compiler.sh), then `npm ci`,
# the committed-prebuild check and the I/O tests. Any attempt to compile the
# addon fails the install or leaves a log line.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib/no-compiler.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/holt-nocompiler.XXXXXX")"
trap 'rm -rf "$work"' EXIT
no_compiler_copy "$work"

npm ci
if [ -e "$calls" ]; then
  echo "the install invoked a compiler:" >&2; cat "$calls" >&2; exit 1
fi
node .ci/check-prebuild.mjs
npx vitest run test/io --reporter=dot
if [ -e "$calls" ]; then
  echo "the tests invoked a compiler:" >&2; cat "$calls" >&2; exit 1
fi
