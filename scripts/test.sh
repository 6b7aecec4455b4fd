#!/usr/bin/env bash
# Installs everything the test suite needs (pnpm, dependencies, native builds) and runs it:
# typecheck, lint, then the whole vitest suite. Used by the README's test command and by
# .ci/run; needs only Node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_INTEGRITY_KEYS=0 TURBO_TELEMETRY_DISABLED=1
PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')
npx --yes "pnpm@${PNPM_VERSION}" install --frozen-lockfile
# Absolute, so that turbo finds pnpm from every package folder.
export PATH="$PWD/node_modules/.bin:$PATH"
turbo run typecheck
biome check --error-on-warnings .
node scripts/test-all.mjs
