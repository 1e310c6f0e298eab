#!/usr/bin/env bash
# Starts the local infrastructure CareDispatch needs, without Docker:
#   - PostgreSQL on 127.0.0.1:5432 (the machine's own cluster) with one database per service, owned by
#     its owner role <db> (migrations) and used by its runtime role <db>_app (the service);
#   - a single-node KRaft Kafka broker on 127.0.0.1:9092 (default), or
#   - with --cluster, a 3-node KRaft cluster on 127.0.0.1:19092-19094 for fault tests.
# Idempotent: whatever already runs is reused. Stop with deploy/local/down.sh.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's log/die
LOG_TAG=up
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat << 'USAGE'
Usage: bash deploy/local/up.sh [--cluster] [--no-postgres]
  (default)      PostgreSQL + single-node Kafka on 127.0.0.1:9092
  --cluster      PostgreSQL + 3-node Kafka cluster on 127.0.0.1:19092,19093,19094
                 (replication factor 3, min.insync.replicas 2); re-running it restarts a stopped node
  --no-postgres  leave PostgreSQL alone (Kafka only)
USAGE
}

mode=single
with_postgres=1
for arg in "$@"; do
  case "${arg}" in
    --cluster) mode=cluster ;;
    --no-postgres) with_postgres=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: ${arg}"
      ;;
  esac
done

mkdir -p "${RUN_DIR}" "${CACHE_DIR}"
# One up.sh at a time: several people and test runs share this machine.
exec 9> "${RUN_DIR}/up.lock"
flock -w 300 9 || die "another deploy/local/up.sh has held ${RUN_DIR}/up.lock for 5 minutes"

ensure_postgres() {
  require_command psql "Install the PostgreSQL client (apt-get install postgresql-client-15)."
  if ! pg_answers; then
    pg_start_local_cluster
    pg_wait_ready
  fi
  pg_pick_superuser ||
    die "PostgreSQL answers on ${PG_HOST}:${PG_PORT} but no superuser login worked (tried postgres, root, and 'su postgres')."
  pg_superuser_psql -f "${LOCAL_DIR}/postgres/init-databases.sql" > /dev/null ||
    die "creating the service roles and databases failed"
  log "PostgreSQL ready on ${PG_HOST}:${PG_PORT}; service roles and databases present"
}

cluster_id_for() {
  local file="$1/cluster.id"
  if [[ ! -s "${file}" ]]; then
    kafka_tool kafka.tools.StorageTool random-uuid 2> /dev/null | tail -n 1 > "${file}"
    [[ -s "${file}" ]] || die "could not generate a Kafka cluster id"
  fi
  cat "${file}"
}

ensure_single_kafka() {
  if instance_running "${SINGLE_DIR}"; then
    if (($(kafka_answering_broker_ids "${SINGLE_BOOTSTRAP}" | wc -l) >= 1)); then
      log "Kafka already running on ${SINGLE_BOOTSTRAP} (pid $(cat "${SINGLE_DIR}/kafka.pid"))"
      return 0
    fi
    wait_for_brokers "${SINGLE_BOOTSTRAP}" 1 "${SINGLE_DIR}"
    return 0
  fi
  if port_open 127.0.0.1 9092; then
    if (($(kafka_answering_broker_ids "${SINGLE_BOOTSTRAP}" | wc -l) >= 1)); then
      log "reusing the Kafka broker that already answers on ${SINGLE_BOOTSTRAP} (not started by up.sh; down.sh leaves it alone)"
      return 0
    fi
    die "something listens on 127.0.0.1:9092 but does not answer as a Kafka broker; free the port first."
  fi
  mkdir -p "${SINGLE_DIR}/data"
  write_server_properties "${SINGLE_DIR}" 1 9092 9093 "1@127.0.0.1:9093" 1 1
  log "starting single-node Kafka ${KAFKA_VERSION} (KRaft) on ${SINGLE_BOOTSTRAP}"
  start_instance "${SINGLE_DIR}" "$(cluster_id_for "${SINGLE_DIR}")"
  wait_for_brokers "${SINGLE_BOOTSTRAP}" 1 "${SINGLE_DIR}"
  log "Kafka ready on ${SINGLE_BOOTSTRAP} (pid $(cat "${SINGLE_DIR}/kafka.pid"), log ${SINGLE_DIR}/kafka.log)"
}

ensure_cluster_kafka() {
  local id dir voters="" started=0 dirs=()
  for id in "${CLUSTER_NODE_IDS[@]}"; do
    voters+="${voters:+,}${id}@127.0.0.1:$((19191 + id))"
  done
  mkdir -p "${CLUSTER_DIR}"
  local cluster_id
  cluster_id="$(cluster_id_for "${CLUSTER_DIR}")"
  for id in "${CLUSTER_NODE_IDS[@]}"; do
    dir="${CLUSTER_DIR}/node-${id}"
    dirs+=("${dir}")
    instance_running "${dir}" && continue
    port_open 127.0.0.1 $((19091 + id)) &&
      die "127.0.0.1:$((19091 + id)) is taken by a process up.sh did not start; stop it first."
    mkdir -p "${dir}/data"
    write_server_properties "${dir}" "${id}" $((19091 + id)) $((19191 + id)) "${voters}" 3 2
    log "starting Kafka cluster node ${id} on 127.0.0.1:$((19091 + id)) (controller 127.0.0.1:$((19191 + id)))"
    start_instance "${dir}" "${cluster_id}"
    started=1
  done
  ((started)) || log "Kafka cluster nodes already running; checking they answer"
  wait_for_brokers "${CLUSTER_BOOTSTRAP}" "${#CLUSTER_NODE_IDS[@]}" "${dirs[@]}"
  log "Kafka cluster ready on ${CLUSTER_BOOTSTRAP}"
}

print_env() {
  local bootstrap="$1" replication_factor="$2" min_insync="$3" db service
  printf '\n# CareDispatch local infrastructure is up. Environment for the services and tests:\n'
  printf 'export KAFKA_BROKERS=%s\n' "${bootstrap}"
  # Topics the services create: one replica on the single broker; 3 replicas, 2 in sync on the
  # cluster (one broker may fail without losing an acknowledged event).
  printf 'export KAFKA_TOPIC_REPLICATION_FACTOR=%s\n' "${replication_factor}"
  printf 'export KAFKA_TOPIC_MIN_INSYNC_REPLICAS=%s\n' "${min_insync}"
  if ((with_postgres)); then
    printf '# Per service (password = role name, local only): DATABASE_URL is the runtime role <db>_app\n'
    printf '# (no ownership, no DDL, no BYPASSRLS); DATABASE_MIGRATION_URL is the owner, for the migrate step.\n'
    for db in "${SERVICE_DATABASES[@]}"; do
      service="${db#caredispatch_}"
      printf '%-20s DATABASE_URL=%s DATABASE_MIGRATION_URL=%s\n' "${service//_/-}" \
        "$(database_url "${db}" "${db}_app")" "$(database_url "${db}")"
    done
    printf '# Integration tests connect as the superuser: postgres://postgres@%s:%s/postgres\n' "${PG_HOST}" "${PG_PORT}"
  fi
}

require_command java "Install Java 17+ (apt-get install openjdk-17-jre-headless)."
((with_postgres)) && ensure_postgres
ensure_kafka_libs
if [[ "${mode}" == cluster ]]; then
  ensure_cluster_kafka
  print_env "${CLUSTER_BOOTSTRAP}" 3 2
else
  ensure_single_kafka
  print_env "${SINGLE_BOOTSTRAP}" 1 1
fi
