#!/usr/bin/env bash
# Installs everything the test suite needs (pnpm, dependencies, native builds) and runs it.
# Used by the README's test command and by .ci/run; needs only Node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_INTEGRITY_KEYS=0
PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')
pnpm() { npx --yes "pnpm@${PNPM_VERSION}" "$@"; }
pnpm install --frozen-lockfile
pnpm run typecheck
pnpm run lint
node scripts/test-all.mjs
