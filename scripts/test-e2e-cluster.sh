#!/usr/bin/env bash
# The end-to-end tier against the 3-node KRaft cluster (deploy/local/up.sh --cluster, its own
# ports 19092-19094; the shared broker on 9092 is never touched): topics with replication
# factor 3 and min.insync.replicas 2, as production runs them.
# Extra arguments go to jest, e.g. `npm run test:e2e:cluster -- test/e2e/first-flow.e2e-spec.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."
up_args=(--cluster)
# PostgreSQL already answering (e.g. shared with others): leave it alone, the e2e tier only
# creates throwaway databases as the superuser.
pg_isready -q -h 127.0.0.1 -p 5432 -t 2 2> /dev/null && up_args+=(--no-postgres)
bash deploy/local/up.sh "${up_args[@]}" > /dev/null
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094}"
export KAFKA_TOPIC_REPLICATION_FACTOR="${KAFKA_TOPIC_REPLICATION_FACTOR:-3}"
export KAFKA_TOPIC_MIN_INSYNC_REPLICAS="${KAFKA_TOPIC_MIN_INSYNC_REPLICAS:-2}"
# Brokers answering is not enough: a cluster that has just formed answers "unknown topic" and
# "not leader" for a while. Every topic is created with the settings above and every partition
# has a leader in every broker's metadata before a service starts or a test produces.
node -r @swc-node/register scripts/prepare-kafka-topics.ts
exec npx jest --selectProjects e2e --runInBand "$@"
