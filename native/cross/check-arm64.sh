#!/usr/bin/env bash
# `npm run prebuild:check-arm64`: proves prebuilds/linux-arm64/holt.glibc.node
# loads and does real I/O under an arm64 Node, running
# native/cross/io-arm64.test.mjs (the holt/io tests' essential assertions) twice:
#
#   1. on qemu-user: the arm64 Node's system calls go to this machine's kernel,
#      so files are on the real disk and O_DIRECT is real; qemu-user does not
#      emulate io_uring (ENOSYS), so async I/O runs on the thread pool;
#   2. in an emulated arm64 machine (qemu-system-aarch64, Debian's arm64 Linux
#      6.1 kernel, the Node and the package in an initramfs, Node as PID 1):
#      io_uring and the thread pool on an arm64 kernel; files on tmpfs, which
#      refuses O_DIRECT on 6.1, so there the open's buffered fallback is checked.
#
# The arm64 Node is Debian's nodejs:arm64 with its arm64 libraries (glibc,
# libstdc++, libnode, ICU, ...), fetched with `apt-get download` and unpacked
# with `dpkg -x` into a cache folder outside the tree ($HOLT_ARM64_CACHE, default
# ~/.cache/holt/arm64), with the kernel image: nothing is installed for arm64
# and the machine's own node stays as it is. The first run needs root: it
# installs qemu-user, qemu-system-arm and cpio, adds the arm64 architecture to
# dpkg (to download its packages) and runs apt-get update; later runs use the
# cache. Making the initramfs's /dev/console also needs root. Fails loudly
# (exit 1) when the binary does not load or any assertion fails in either run.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
cache="${HOLT_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/holt/arm64}"
sysroot="$cache/sysroot"
say() { echo "prebuild:check-arm64: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

missing=()
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v qemu-system-aarch64 >/dev/null || missing+=(qemu-system-arm)
command -v cpio >/dev/null || missing+=(cpio)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -x "$sysroot/usr/bin/node" ] || ! compgen -G "$cache/vmlinuz-*" >/dev/null; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "adding the arm64 architecture to dpkg (only to download its packages)"
    dpkg --add-architecture arm64
    apt-get update -qq >&2
  fi
  apt-cache show nodejs:arm64 >/dev/null 2>&1 || apt-get update -qq >&2
  # Package names that carry an ABI or kernel version (libnode108 and 6.1.0-N on Debian 12).
  libnode="$(apt-cache depends nodejs:arm64 | grep -o 'libnode[0-9]*' | head -1)"
  kernel="$(apt-cache depends linux-image-arm64:arm64 | grep -o 'linux-image-[0-9][^ ]*-arm64' | head -1)"
  # nodejs, its libraries and theirs (the arm64 glibc among them), and the
  # JavaScript packages Debian's node loads its acorn, cjs-module-lexer and undici from.
  packages=(nodejs:arm64 "$libnode:arm64" libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libbrotli1:arm64
    libc-ares2:arm64 libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64
    node-acorn node-cjs-module-lexer node-undici node-busboy node-xtend)
  say "downloading Debian's arm64 Node and $kernel into $cache"
  rm -rf "$cache/debs" "$sysroot.partial" "$cache"/vmlinuz-*
  mkdir -p "$cache/debs" "$sysroot.partial"
  (cd "$cache/debs" && apt-get download "${packages[@]}" "$kernel:arm64" >&2)
  for deb in "$cache/debs"/*.deb; do
    case "$deb" in
      */linux-image-*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache" --strip-components=2 --wildcards './boot/vmlinuz-*' ;;
      *) dpkg -x "$deb" "$sysroot.partial" ;;
    esac
  done
  rm -rf "$sysroot" "$cache/debs"
  mv "$sysroot.partial" "$sysroot"
fi
vmlinuz="$(compgen -G "$cache/vmlinuz-*" | head -1)"
node_arm64() { qemu-aarch64 -L "$sysroot" "$sysroot/usr/bin/node" "$@"; }
say "$(node_arm64 -p '`node ${process.version} ${process.arch}, glibc ${process.report.getReport().header.glibcVersionRuntime}`') on $(qemu-aarch64 --version | head -1)"

# What a package install holds (package.json with its export map, dist/, the
# prebuilds, the native sources the stamp is taken from) in a folder without
# build/, so node-gyp-build has only prebuilds/ to choose from.
npx tsc -p tsconfig.json
work="$(mktemp -d "${TMPDIR:-/tmp}/holt-arm64.XXXXXX")"
trap 'rm -rf "$work"' EXIT
stage="$work/holt"
mkdir -p "$stage/node_modules"
cp -r package.json binding.gyp dist prebuilds native "$stage/"
cp -r node_modules/node-gyp-build "$stage/node_modules/"

cd "$stage"
# First the bare load, so a binary that does not load says so on its own.
if ! stamp="$(node_arm64 -p "require('./prebuilds/linux-arm64/holt.glibc.node').buildStamp")"; then
  fail "prebuilds/linux-arm64/holt.glibc.node does not load in the arm64 Node"
fi
say "loaded prebuilds/linux-arm64/holt.glibc.node in the arm64 Node, stamp ${stamp:0:12}"

say "1/2: qemu-user, this machine's kernel and disk"
# Run directly, not with --test: that spawns process.execPath, an arm64 binary the host cannot exec.
node_arm64 native/cross/io-arm64.test.mjs || fail "the holt/io checks failed on qemu-user"
user_done=$SECONDS

say "2/2: an emulated arm64 machine, $(basename "$vmlinuz")"
# The initramfs: the arm64 sysroot, the package at /holt, and Node as /init,
# which runs the checks in a child and prints the verdict; when it ends the
# kernel panics (PID 1 exited) and panic=-1 with -no-reboot ends qemu.
root="$work/initramfs"
mkdir -p "$root/dev" "$root/proc" "$root/tmp"
cp -a "$sysroot/." "$root/"
cp -a "$stage" "$root/holt"
mknod "$root/dev/console" c 5 1
mknod "$root/dev/null" c 1 3
cat > "$root/init" <<'EOF'
#!/usr/bin/node
const { spawnSync } = require('node:child_process');
const env = { ...process.env, HOLT_ARM64_MACHINE: '1' };
const run = spawnSync('/usr/bin/node', ['native/cross/io-arm64.test.mjs'], { cwd: '/holt', env, stdio: 'inherit' });
console.log(`holt-arm64-machine: exit ${run.status ?? run.signal ?? run.error}`);
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio"
rm -rf "$root"
timeout 1200 qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 2048 -nographic -no-reboot -nic none \
  -kernel "$vmlinuz" -initrd "$work/initramfs.cpio" -append "console=ttyAMA0 panic=-1 quiet" > "$work/console.log" 2>&1 || true
# The console up to the verdict (the kernel's panic report after it is noise).
sed -n '1,/^holt-arm64-machine: exit/p' "$work/console.log" | tr -d '\r'
grep -q '^holt-arm64-machine: exit 0' "$work/console.log" || fail "the holt/io checks failed in the emulated arm64 machine"

say "qemu-user run and setup $((user_done - started)) s, emulated machine $((SECONDS - user_done)) s, $((SECONDS - started)) s in all"
say "prebuilds/linux-arm64/holt.glibc.node passed under emulation"
