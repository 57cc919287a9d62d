#!/usr/bin/env bash
# Checks that Node and npm are usable for the tests that drive Sluice with an official JavaScript SDK
# (TriggerSdkTest: this directory; StripeNodeWebhookTest: ../node-stripe) and warms npm's cache with the pinned
# packages, so the tests' own `npm ci --prefer-offline` needs no further download. Installs into a throwaway
# directory; changes nothing here.
# Usage: bash sluice-server/src/test/node/install.sh [PROJECT_DIR ...]   (default: node and node-stripe)
set -euo pipefail
SELF=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed for the SDK integration tests (TriggerSdkTest, StripeNodeWebhookTest); install Node.js >= 20" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node.js >= 20 is needed (by stripe 23; @trigger.dev/sdk needs 18.20), found $(node --version)" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  set -- "$SELF" "$SELF/../node-stripe"
fi
for project in "$@"; do
  tmp=$(mktemp -d)
  cp "$project/package.json" "$project/package-lock.json" "$tmp/"
  (cd "$tmp" && npm ci --no-audit --no-fund --prefer-offline)
  for pkg in $(node -p "Object.keys(require('$tmp/package.json').dependencies).join(' ')"); do
    echo "pinned $pkg $(node -p "require('$tmp/node_modules/$pkg/package.json').version") installs cleanly"
  done
  rm -rf "$tmp"
done
