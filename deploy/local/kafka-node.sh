#!/usr/bin/env bash
# Starts one Kafka KRaft node from a server.properties the caller wrote, in the caller's own
# directory and ports: a broker a fault test may kill -9 without touching the shared one that
# up.sh manages. Prints the JVM's pid. Used by libs/testing (KafkaTestCluster).
#   bash deploy/local/kafka-node.sh DIR CLUSTER_ID     (DIR holds server.properties)
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's log/die
LOG_TAG=kafka-node
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# == 2)) || die "usage: kafka-node.sh DIR CLUSTER_ID"
dir="$1"
[[ -f "${dir}/server.properties" ]] || die "${dir}/server.properties does not exist"
require_command java "Install Java 17+ (apt-get install openjdk-17-jre-headless)."
mkdir -p "${CACHE_DIR}"
ensure_kafka_libs
instance_running "${dir}" && die "a broker already runs from ${dir} (pid $(cat "${dir}/kafka.pid"))"
start_instance "${dir}" "$2"
cat "${dir}/kafka.pid"
