#!/usr/bin/env bash
# Checks that Node and npm are usable for StripeNodeWebhookTest and warms npm's cache with the pinned stripe-node, so
# the test's own `npm ci --prefer-offline` needs no further download. Installs into a throwaway directory.
# Usage: bash sluice-server/src/test/node-stripe/install.sh
set -euo pipefail
HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed for the stripe-node webhook test (StripeNodeWebhookTest); install Node.js >= 20" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node.js >= 20 is needed by stripe 23, found $(node --version)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --no-audit --no-fund --prefer-offline)
echo "pinned stripe $(node -p "require('$tmp/node_modules/stripe/package.json').version") installs cleanly"
