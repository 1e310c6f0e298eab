#!/usr/bin/env bash
# One command from a fresh clone: install, start PostgreSQL + Kafka, run the demo flow.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash deploy/local/up.sh
exec node -r @swc-node/register scripts/demo.ts "$@"
