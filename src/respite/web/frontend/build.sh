#!/usr/bin/env bash
# Build the public map's bundle (src/respite/web/static/dist) from npm packages when it is
# missing or older than its sources: npm ci (exact versions from package-lock.json), then
# esbuild (build.mjs). Quick when nothing changed. Needs Node.js 18+ and npm.
set -euo pipefail
cd "$(dirname "$0")"
dist=../static/dist
want=$(node digest.mjs)
have=$(cat "$dist/.source" 2>/dev/null || true)
if [ "$want" = "$have" ] && [ -f "$dist/app.js" ] && [ -f "$dist/app.css" ] && [ -f "$dist/sw.js" ]; then
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.respite-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.respite-lock
fi
node build.mjs
