#!/usr/bin/env bash
# Installs Node 24 (LTS) from the npm registry's `node` package into .cache/node24, so that
# `pnpm test` runs the suite on Node 24 as well as on the Node that runs pnpm (20 here).
# Idempotent: silent when that version is present. Runs from the root postinstall.
set -euo pipefail
version=24.21.0
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.cache/node24"
bin="$prefix/node_modules/node/bin/node"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "v$version" ]; then exit 0; fi
echo "setup-node24: installing node@$version (npm registry) into .cache/node24"
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock "node@$version" >/tmp/ufbert-node24.log 2>&1 || {
  echo "setup-node24: npm install node@$version failed; see /tmp/ufbert-node24.log" >&2
  exit 1
}
echo "setup-node24: $("$bin" --version) at $bin"
