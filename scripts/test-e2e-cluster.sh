#!/usr/bin/env bash
# The end-to-end tier against the 3-node KRaft cluster (deploy/local/up.sh --cluster):
# topics with replication factor 3 and min.insync.replicas 2, as production runs them.
# Extra arguments go to jest, e.g. `npm run test:e2e:cluster -- test/e2e/first-flow.e2e-spec.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/local/up.sh --cluster > /dev/null
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094}"
export KAFKA_TOPIC_REPLICATION_FACTOR="${KAFKA_TOPIC_REPLICATION_FACTOR:-3}"
export KAFKA_TOPIC_MIN_INSYNC_REPLICAS="${KAFKA_TOPIC_MIN_INSYNC_REPLICAS:-2}"
exec npx jest --selectProjects e2e --runInBand "$@"
