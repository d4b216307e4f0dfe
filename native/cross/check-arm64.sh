#!/usr/bin/env bash
# `npm run prebuild:check-arm64`: proves prebuilds/linux-arm64/holt.glibc.node
# loads and does real I/O, by running native/cross/io-arm64.test.mjs (the holt/io
# tests' essential assertions) under an arm64 Node on qemu-user.
#
# The arm64 Node is Debian's nodejs:arm64 with its arm64 libraries (glibc,
# libstdc++, libnode, ICU, ...), fetched with `apt-get download` and unpacked
# with `dpkg -x` into a cache folder outside the tree ($HOLT_ARM64_CACHE, default
# ~/.cache/holt/arm64): nothing is installed for arm64 and the machine's own
# node stays as it is. `qemu-aarch64 -L <sysroot>` runs it. The first run needs
# root: it installs qemu-user, adds the arm64 architecture to dpkg and runs
# apt-get update; later runs use the cache. Fails loudly (exit 1) when the
# binary does not load or any assertion fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
started=$SECONDS
cache="${HOLT_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/holt/arm64}"
sysroot="$cache/sysroot"
say() { echo "prebuild:check-arm64: $*" >&2; }

if ! command -v qemu-aarch64 >/dev/null; then
  say "installing qemu-user"
  DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-user >&2
fi

if [ ! -x "$sysroot/usr/bin/node" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "adding the arm64 architecture to dpkg (only to download its packages)"
    dpkg --add-architecture arm64
    apt-get update -qq >&2
  fi
  apt-cache show nodejs:arm64 >/dev/null 2>&1 || apt-get update -qq >&2
  # Node's library package is named after its ABI (libnode108 on Debian 12).
  libnode="$(apt-cache depends nodejs:arm64 | grep -o 'libnode[0-9]*' | head -1)"
  # nodejs, its libraries and theirs (the arm64 glibc among them), and the
  # JavaScript packages Debian's node loads its acorn, cjs-module-lexer and undici from.
  packages=(nodejs:arm64 "$libnode:arm64" libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libbrotli1:arm64
    libc-ares2:arm64 libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64
    node-acorn node-cjs-module-lexer node-undici node-busboy node-xtend)
  say "downloading Debian's arm64 Node into $cache"
  rm -rf "$cache/debs" "$sysroot.partial"
  mkdir -p "$cache/debs" "$sysroot.partial"
  (cd "$cache/debs" && apt-get download "${packages[@]}" >&2)
  for deb in "$cache/debs"/*.deb; do dpkg -x "$deb" "$sysroot.partial"; done
  rm -rf "$sysroot" "$cache/debs"
  mv "$sysroot.partial" "$sysroot"
fi
node_arm64() { qemu-aarch64 -L "$sysroot" "$sysroot/usr/bin/node" "$@"; }
say "$(node_arm64 -p '`node ${process.version} ${process.arch}, glibc ${process.report.getReport().header.glibcVersionRuntime}`') on $(qemu-aarch64 --version | head -1)"

# What a package install holds (package.json with its export map, dist/, the
# prebuilds, the native sources the stamp is taken from) in a folder without
# build/, so node-gyp-build has only prebuilds/ to choose from.
npx tsc -p tsconfig.json
stage="$(mktemp -d "${TMPDIR:-/tmp}/holt-arm64.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
cp -r package.json binding.gyp dist prebuilds native "$stage/"
mkdir -p "$stage/node_modules"
cp -r node_modules/node-gyp-build "$stage/node_modules/"

cd "$stage"
# First the bare load, so a binary that does not load says so on its own.
if ! stamp="$(node_arm64 -p "require('./prebuilds/linux-arm64/holt.glibc.node').buildStamp")"; then
  say "FAILED: prebuilds/linux-arm64/holt.glibc.node does not load in the arm64 Node"
  exit 1
fi
say "loaded prebuilds/linux-arm64/holt.glibc.node in the arm64 Node, stamp ${stamp:0:12}"
status=0
# Run directly, not with --test: that spawns process.execPath, an arm64 binary the host cannot exec.
node_arm64 native/cross/io-arm64.test.mjs || status=$?
say "$((SECONDS - started)) s in all"
if [ "$status" -ne 0 ]; then
  say "FAILED: prebuilds/linux-arm64/holt.glibc.node did not pass under emulation"
  exit 1
fi
say "prebuilds/linux-arm64/holt.glibc.node passed under emulation"
