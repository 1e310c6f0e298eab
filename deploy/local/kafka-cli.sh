#!/usr/bin/env bash
# Runs a Kafka command-line tool from the jars that up.sh fetched, without a Kafka install.
#   bash deploy/local/kafka-cli.sh topics --bootstrap-server 127.0.0.1:9092 --list
#   bash deploy/local/kafka-cli.sh console-consumer --bootstrap-server 127.0.0.1:9092 --topic T --from-beginning
# The first argument is a short name below or a fully qualified main class.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's log/die
LOG_TAG=kafka-cli
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($#)) || die "usage: kafka-cli.sh <topics|console-producer|console-consumer|consumer-groups|api-versions|metadata-quorum|get-offsets|storage|main.Class> [args...]"
tool="$1"
shift
case "${tool}" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  api-versions) main=kafka.admin.BrokerApiVersionsCommand ;;
  metadata-quorum) main=org.apache.kafka.tools.MetadataQuorumCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  storage) main=kafka.tools.StorageTool ;;
  *.*) main="${tool}" ;;
  *) die "unknown tool '${tool}'" ;;
esac
ensure_kafka_libs
KAFKA_TOOL_TIMEOUT_SECONDS="${KAFKA_TOOL_TIMEOUT_SECONDS:-600}" kafka_tool "${main}" "$@"
