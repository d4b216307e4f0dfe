#!/usr/bin/env bash
# The README's `npm install` must build the addon from source where no prebuild
# matches (another platform, or a newer native source). node-gyp-build would load
# the committed prebuild instead, so it is moved aside for this install and put
# back afterwards, whatever happens: it is part of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

aside="$(mktemp -d "${TMPDIR:-/tmp}/holt-prebuilds.XXXXXX")"
restore() {
  if compgen -G "$aside/*" >/dev/null; then mv "$aside"/* prebuilds/; fi
  rmdir "$aside"
}
trap restore EXIT
for dir in prebuilds/*/; do
  if [ -d "$dir" ]; then mv "$dir" "$aside/"; fi
done
rm -rf build

npm install
if [ ! -f build/Release/holt_io.node ]; then
  echo "npm install did not build build/Release/holt_io.node from source" >&2
  exit 1
fi
