#!/usr/bin/env bash
# Stops the Kafka brokers that deploy/local/up.sh started (found by their pid files):
# SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT_SECONDS (default 30; 10 for a whole cluster,
# KAFKA_CLUSTER_STOP_TIMEOUT_SECONDS, whose last node has no quorum left to shut down cleanly).
# Never stops a PostgreSQL or a Kafka it did not start.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's log/die
LOG_TAG=down
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat << 'USAGE'
Usage: bash deploy/local/down.sh [--single | --cluster | --node N] [--purge] [--postgres]
  (default)   stop the single-node broker and the 3-node cluster
  --single    only the single-node broker (127.0.0.1:9092)
  --cluster   only the 3-node cluster (127.0.0.1:19092-19094)
  --node N    only cluster node N (1-3), e.g. for a fault test; `up.sh --cluster` brings it back
  --purge     also delete the stopped brokers' data directories (topics, offsets, cluster id)
  --postgres  also stop PostgreSQL, but only if up.sh was the one that started it
USAGE
}

targets=(single cluster)
purge=0
stop_postgres=0
while (($#)); do
  case "$1" in
    --single) targets=(single) ;;
    --cluster) targets=(cluster) ;;
    --node)
      [[ "${2:-}" =~ ^[1-3]$ ]] || die "--node needs 1, 2 or 3"
      targets=("node-$2")
      shift
      ;;
    --purge) purge=1 ;;
    --postgres) stop_postgres=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
  esac
  shift
done

dirs=()
for target in "${targets[@]}"; do
  case "${target}" in
    single) dirs+=("${SINGLE_DIR}") ;;
    cluster) for id in "${CLUSTER_NODE_IDS[@]}"; do dirs+=("${CLUSTER_DIR}/node-${id}"); done ;;
    node-*) dirs+=("${CLUSTER_DIR}/${target}") ;;
  esac
done

# All brokers get SIGTERM together: a cluster stopped one node at a time loses its quorum halfway.
for dir in "${dirs[@]}"; do
  stop_instance "${dir}"
done
timeout="${KAFKA_STOP_TIMEOUT_SECONDS}"
[[ " ${targets[*]} " == *" cluster "* ]] && timeout="${KAFKA_CLUSTER_STOP_TIMEOUT_SECONDS}"
wait_stopped "${timeout}" "${dirs[@]}"

if ((purge)); then
  for dir in "${dirs[@]}"; do
    if [[ -d "${dir}" ]]; then
      log "deleting ${dir#"${LOCAL_DIR}/"}"
      rm -rf "${dir}"
    fi
  done
  # The cluster id goes with the last node's data.
  if [[ " ${targets[*]} " == *" cluster "* ]]; then
    rm -rf "${CLUSTER_DIR}"
  fi
fi

if ((stop_postgres)); then
  if [[ -f "${RUN_DIR}/postgres.started-by-up" ]]; then
    read -r version cluster < "${RUN_DIR}/postgres.started-by-up"
    log "stopping PostgreSQL ${version}/${cluster} (started by up.sh)"
    pg_ctlcluster --skip-systemctl-redirect "${version}" "${cluster}" stop
    rm -f "${RUN_DIR}/postgres.started-by-up"
  else
    log "PostgreSQL was not started by up.sh; leaving it running"
  fi
fi
log "done"
