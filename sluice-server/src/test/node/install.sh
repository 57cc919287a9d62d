#!/usr/bin/env bash
# Checks that Node and npm are usable for TriggerSdkTest and warms npm's cache with the pinned SDK, so the test's own
# `npm ci --prefer-offline` needs no further download. Installs into a throwaway directory; changes nothing here.
# Usage: bash sluice-server/src/test/node/install.sh
set -euo pipefail
HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed for the trigger.dev SDK integration test (TriggerSdkTest); install Node.js >= 18.20" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "Node.js >= 18.20 is needed by @trigger.dev/sdk, found $(node --version)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --no-audit --no-fund --prefer-offline)
echo "pinned @trigger.dev/sdk $(node -p "require('$tmp/node_modules/@trigger.dev/sdk/package.json').version") installs cleanly"
