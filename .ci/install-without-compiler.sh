#!/usr/bin/env bash
# A fresh install on a machine with no C++ toolchain: copy what a clone holds,
# put shims first on PATH that make every compiler and make fail loudly (and
# log the call), then `npm ci`, the committed-prebuild check and the I/O tests.
# Any attempt to compile the addon fails the install or leaves a log line.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/holt-nocompiler.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy="$work/holt"
shim="$work/no-compiler"
calls="$work/compiler-calls"
mkdir -p "$copy" "$shim"

# The tracked files (plus new unignored ones when run by hand): no node_modules, build/ or dist/.
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$copy"

for tool in cc c++ gcc g++ clang clang++ x86_64-linux-gnu-gcc x86_64-linux-gnu-g++ ld make gmake cmake; do
  printf '#!/bin/sh\necho "%s $*" >> "%s"\necho "no-compiler shim: %s called" >&2\nexit 127\n' "$tool" "$calls" "$tool" > "$shim/$tool"
  chmod +x "$shim/$tool"
done
# node-gyp and make also honour these before PATH.
export PATH="$shim:$PATH" CC="$shim/cc" CXX="$shim/c++" LINK="$shim/c++" MAKE="$shim/make"
# Either would make node-gyp-build skip the prebuild or pick another make.
unset npm_config_make npm_config_build_from_source
if command -v g++ >/dev/null && [ "$(command -v g++)" != "$shim/g++" ]; then
  echo "the shim does not hide g++" >&2; exit 1
fi

cd "$copy"
npm ci
if [ -e "$calls" ]; then
  echo "the install invoked a compiler:" >&2; cat "$calls" >&2; exit 1
fi
node .ci/check-prebuild.mjs
npx vitest run test/io --reporter=dot
if [ -e "$calls" ]; then
  echo "the tests invoked a compiler:" >&2; cat "$calls" >&2; exit 1
fi
