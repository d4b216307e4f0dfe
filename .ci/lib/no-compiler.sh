# Sourced by the install checks: `no_compiler_copy WORK` copies what a clone
# holds into WORK/holt (no node_modules, build/ or dist/), puts shims first on
# PATH that make every compiler and make fail loudly (and log the call to
# WORK/compiler-calls), and cds into the copy. Sets $copy and $calls.
no_compiler_copy() {
  local work="$1" shim="$1/no-compiler"
  copy="$work/holt"
  calls="$work/compiler-calls"
  mkdir -p "$copy" "$shim"
  # The tracked files (plus new unignored ones when run by hand).
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
    echo "the shim does not hide g++" >&2; return 1
  fi
  cd "$copy"
}
