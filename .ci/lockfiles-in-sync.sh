#!/usr/bin/env bash
# `npm ci` refuses a package-lock.json that does not match its package.json
# (a missing optional platform package is enough). Its dry run does that same
# check without touching node_modules; --ignore-scripts because a dry run still
# runs the root package's own install script. Covers every package.json here.
set -euo pipefail
cd "$(dirname "$0")/.."

for dir in . bench; do
  [ -f "$dir/package.json" ] || continue
  if [ ! -f "$dir/package-lock.json" ]; then
    echo "$dir/package-lock.json is missing" >&2; exit 1
  fi
  # npm follows the reason ("Missing: ... from lock file") with its whole usage text: cut that.
  (cd "$dir" && npm ci --dry-run --ignore-scripts 2>&1 >/dev/null | sed '/^npm error Clean install a project/,$d' >&2) || {
    echo "$dir/package-lock.json is out of sync with $dir/package.json: run npm install --package-lock-only there" >&2
    exit 1
  }
done
