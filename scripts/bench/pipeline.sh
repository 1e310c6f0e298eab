#!/usr/bin/env bash
# Brings up PostgreSQL and Kafka if needed, then runs the pipeline benchmark.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash deploy/local/up.sh > /dev/null
exec node -r @swc-node/register scripts/bench/pipeline.ts "$@"
