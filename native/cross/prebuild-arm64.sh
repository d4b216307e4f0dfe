#!/usr/bin/env bash
# `npm run prebuild:arm64`: cross-compiles prebuilds/linux-arm64/holt.glibc.node
# on an x86-64 Debian/Ubuntu machine with the distribution's aarch64 cross
# toolchain, exactly as `npm run prebuild` makes the linux-x64 one (prebuildify,
# N-API, stripped, glibc tag, Node's installed headers), plus `--arch arm64`.
# Node-API is ABI-stable, so the x64 Node's headers serve the arm64 binary.
#
# First run installs g++-aarch64-linux-gnu with apt-get (needs root). The build
# runs in a copy of binding.gyp, native/ and package.json at a fixed path, so it
# never touches this tree's build/ (node-gyp-build would load an arm64 binary
# from there first and fail) and the same sources give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
triple=aarch64-linux-gnu

if ! command -v node-gyp >/dev/null; then
  echo "node-gyp is not on PATH: run this as 'npm run prebuild:arm64'" >&2
  exit 1
fi
if ! command -v "$triple-g++" >/dev/null; then
  echo "prebuild:arm64: installing Debian's aarch64 cross toolchain (g++-$triple)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y "g++-$triple" >&2
fi

stage="${TMPDIR:-/tmp}/holt-prebuild-arm64"
rm -rf "$stage"
mkdir -p "$stage"
cp -r binding.gyp package.json native "$stage/"
ln -s "$root/node_modules" "$stage/node_modules"

(
  cd "$stage"
  export npm_config_nodedir="${npm_config_nodedir:-/usr}"
  export CC="$triple-gcc" CXX="$triple-g++" LINK="$triple-g++" AR="$triple-ar" PREBUILD_STRIP_BIN="$triple-strip"
  unset npm_config_build_from_source
  npm run --silent prebuild -- --arch arm64
)

mkdir -p prebuilds/linux-arm64
cp "$stage/prebuilds/linux-arm64/holt.glibc.node" prebuilds/linux-arm64/holt.glibc.node
rm -rf "$stage"

# The binary is for aarch64 and carries the stamp of the sources in this tree.
embedded="$(node native/build-stamp.mjs --embedded prebuilds/linux-arm64/holt.glibc.node arm64)"
current="$(node native/build-stamp.mjs)"
if [ "$embedded" != "$current" ]; then
  echo "prebuild:arm64: the binary carries stamp $embedded, the sources $current" >&2
  exit 1
fi
echo "prebuilds/linux-arm64/holt.glibc.node: $("$triple-g++" --version | head -1), stamp ${current:0:12}, sha256 $(sha256sum prebuilds/linux-arm64/holt.glibc.node | cut -c1-12)"
