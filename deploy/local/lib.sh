# shellcheck shell=bash
# Shared helpers for deploy/local/up.sh, down.sh and kafka-cli.sh. Sourced, never run.
# shellcheck disable=SC2034 # the constants below are used by the scripts that source this file

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${LOCAL_DIR}/.cache"
RUN_DIR="${LOCAL_DIR}/.run"
KAFKA_VERSION="3.9.2" # keep in step with deploy/local/kafka/pom.xml and docker-compose.yml
KAFKA_LIB_DIR="${CACHE_DIR}/kafka-libs"
KAFKA_LIB_STAMP="${KAFKA_LIB_DIR}/.complete"
KAFKA_BROKER_HEAP_OPTS="${KAFKA_BROKER_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_START_TIMEOUT_SECONDS="${KAFKA_START_TIMEOUT_SECONDS:-120}"
KAFKA_STOP_TIMEOUT_SECONDS="${KAFKA_STOP_TIMEOUT_SECONDS:-30}"
# When a whole KRaft cluster stops, the last node loses its controller quorum and cannot finish a
# controlled shutdown; it is killed after this shorter wait (its log is recovered on the next start).
KAFKA_CLUSTER_STOP_TIMEOUT_SECONDS="${KAFKA_CLUSTER_STOP_TIMEOUT_SECONDS:-10}"

PG_HOST=127.0.0.1
PG_PORT=5432
SERVICE_DATABASES=(
  caredispatch_ehr_gateway
  caredispatch_scheduling
  caredispatch_messaging
  caredispatch_dispatch_optimizer
  caredispatch_waitlist
  caredispatch_audit_log
)

SINGLE_DIR="${RUN_DIR}/kafka-single"
SINGLE_BOOTSTRAP="127.0.0.1:9092"
CLUSTER_DIR="${RUN_DIR}/kafka-cluster"
CLUSTER_NODE_IDS=(1 2 3)
CLUSTER_BOOTSTRAP="127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094"

log() { printf '[%s] %s\n' "${LOG_TAG:-local}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${LOG_TAG:-local}" "$*" >&2
  exit 1
}

require_command() {
  command -v "$1" > /dev/null 2>&1 || die "'$1' is not installed. $2"
}

# True when something accepts TCP connections on host:port.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2> /dev/null
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

PSQL_MODE=""

# Runs psql as a superuser, trying postgres@127.0.0.1, root@127.0.0.1, then the postgres OS user.
pg_superuser_psql() {
  case "${PSQL_MODE}" in
    postgres) psql -X -q -h "${PG_HOST}" -p "${PG_PORT}" -U postgres -d postgres "$@" ;;
    root) psql -X -q -h "${PG_HOST}" -p "${PG_PORT}" -U root -d postgres "$@" ;;
    su) su postgres -s /bin/bash -c "cd / && psql -X -q -p ${PG_PORT} -d postgres \"\$@\"" -- _ "$@" ;;
    *) die "pg_superuser_psql called before pg_pick_superuser" ;;
  esac
}

pg_pick_superuser() {
  local mode
  for mode in postgres root su; do
    if [[ "${mode}" == su ]] && ! id postgres > /dev/null 2>&1; then
      continue
    fi
    PSQL_MODE="${mode}"
    if [[ "$(pg_superuser_psql -tA -w -c 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user' 2> /dev/null)" == t ]]; then
      return 0
    fi
  done
  PSQL_MODE=""
  return 1
}

pg_answers() {
  pg_isready -q -h "${PG_HOST}" -p "${PG_PORT}" -t 2
}

# Starts the Debian-packaged cluster that serves port 5432, if PostgreSQL is installed but stopped.
pg_start_local_cluster() {
  command -v pg_lsclusters > /dev/null 2>&1 ||
    die "PostgreSQL does not answer on ${PG_HOST}:${PG_PORT} and no local cluster is installed (apt-get install postgresql-15)."
  local version cluster port status
  while read -r version cluster port status _; do
    if [[ "${port}" == "${PG_PORT}" ]]; then
      if [[ "${status}" == online* ]]; then
        return 0
      fi
      log "starting PostgreSQL ${version}/${cluster} (port ${port})"
      pg_ctlcluster --skip-systemctl-redirect "${version}" "${cluster}" start ||
        die "could not start PostgreSQL ${version}/${cluster}; see /var/log/postgresql/postgresql-${version}-${cluster}.log"
      mkdir -p "${RUN_DIR}"
      printf '%s %s\n' "${version}" "${cluster}" > "${RUN_DIR}/postgres.started-by-up"
      return 0
    fi
  done < <(pg_lsclusters --no-header 2> /dev/null)
  die "no local PostgreSQL cluster listens on port ${PG_PORT} (pg_lsclusters shows none); create one with pg_createcluster."
}

pg_wait_ready() {
  local deadline=$((SECONDS + 30))
  until pg_answers; do
    ((SECONDS < deadline)) || die "PostgreSQL on ${PG_HOST}:${PG_PORT} did not become ready within 30s."
    sleep 0.5
  done
}

# database_url DB [ROLE]: the URL of database DB as ROLE (default: its owner role, named like it).
database_url() {
  local role="${2:-$1}"
  printf 'postgres://%s:%s@%s:%s/%s' "${role}" "${role}" "${PG_HOST}" "${PG_PORT}" "$1"
}

# ---------------------------------------------------------------------------
# Kafka jars
# ---------------------------------------------------------------------------

kafka_lib_fingerprint() {
  printf '%s %s\n' "${KAFKA_VERSION}" "$(sha256sum "${LOCAL_DIR}/kafka/pom.xml" | cut -d' ' -f1)"
}

ensure_kafka_libs() {
  if [[ -f "${KAFKA_LIB_STAMP}" && "$(cat "${KAFKA_LIB_STAMP}")" == "$(kafka_lib_fingerprint)" ]]; then
    return 0
  fi
  require_command mvn "Install Maven (apt-get install maven); it fetches the Kafka jars from Maven Central."
  log "fetching Apache Kafka ${KAFKA_VERSION} jars with Maven into ${KAFKA_LIB_DIR}"
  rm -rf "${KAFKA_LIB_DIR}"
  local mvn_args=(-q -B -f "${LOCAL_DIR}/kafka/pom.xml" "-Dkafka.libDir=${KAFKA_LIB_DIR}" package)
  # Offline first: ~/.m2 usually has everything after the first run.
  if ! mvn -o "${mvn_args[@]}" > /dev/null 2>&1; then
    rm -rf "${KAFKA_LIB_DIR}"
    mvn "${mvn_args[@]}" || die "Maven could not fetch the Kafka jars (is Maven Central reachable?)."
  fi
  compgen -G "${KAFKA_LIB_DIR}/kafka_2.13-${KAFKA_VERSION}.jar" > /dev/null ||
    die "Maven finished but ${KAFKA_LIB_DIR} has no kafka_2.13-${KAFKA_VERSION}.jar"
  kafka_lib_fingerprint > "${KAFKA_LIB_STAMP}"
}

# Runs a Kafka command-line tool class (quiet logging, small fast-starting JVM).
kafka_tool() {
  timeout "${KAFKA_TOOL_TIMEOUT_SECONDS:-60}" java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    "-Dlog4j.configuration=file:${LOCAL_DIR}/kafka/tools-log4j.properties" \
    -cp "${KAFKA_LIB_DIR}/*" "$@"
}

# Prints the broker ids that answer ApiVersions through the given bootstrap list.
kafka_answering_broker_ids() {
  KAFKA_TOOL_TIMEOUT_SECONDS=40 kafka_tool kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$1" 2> /dev/null |
    sed -n 's/.*(id: \([0-9][0-9]*\) rack:.*/\1/p' | sort -u
}

# ---------------------------------------------------------------------------
# Kafka processes
# ---------------------------------------------------------------------------

# True when the pid file names a live JVM running kafka.Kafka with this instance's properties.
instance_running() {
  local dir="$1" pid
  [[ -f "${dir}/kafka.pid" ]] || return 1
  pid="$(cat "${dir}/kafka.pid")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/${pid}/cmdline" | grep -q -- "kafka.Kafka ${dir}/server.properties"
}

# write_server_properties DIR NODE_ID BROKER_PORT CONTROLLER_PORT VOTERS REPLICATION MIN_ISR
write_server_properties() {
  local dir="$1" node_id="$2" broker_port="$3" controller_port="$4" voters="$5" rf="$6" min_isr="$7"
  cat > "${dir}/server.properties" << EOF
# Generated by deploy/local/up.sh; edits are overwritten on the next run.
process.roles=broker,controller
node.id=${node_id}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:${broker_port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${broker_port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dir}/data

# Sized for a 2-core test machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4

num.partitions=3
default.replication.factor=${rf}
min.insync.replicas=${min_isr}
offsets.topic.replication.factor=${rf}
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${min_isr}
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
log.retention.hours=168
EOF
}

# start_instance DIR CLUSTER_ID: formats storage once, then starts the broker in the background.
start_instance() {
  local dir="$1" cluster_id="$2"
  if [[ ! -f "${dir}/data/meta.properties" ]]; then
    log "formatting storage in ${dir}/data"
    kafka_tool kafka.tools.StorageTool format --ignore-formatted \
      -t "${cluster_id}" -c "${dir}/server.properties" > "${dir}/format.log" 2>&1 ||
      die "kafka-storage format failed; see ${dir}/format.log"
  fi
  [[ -f "${dir}/kafka.log" ]] && mv -f "${dir}/kafka.log" "${dir}/kafka.log.1"
  # A new session so the broker outlives this shell; the pid written is the JVM's (exec).
  # fd 9 is up.sh's lock: the broker must not inherit it.
  # shellcheck disable=SC2016,SC2086 # $$ is the inner shell's; the heap options are word-split on purpose
  setsid nohup bash -c 'echo $$ > "$1/kafka.pid"; shift; exec "$@"' _ "${dir}" \
    java -server ${KAFKA_BROKER_HEAP_OPTS} \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:${LOCAL_DIR}/kafka/log4j.properties" \
    -cp "${KAFKA_LIB_DIR}/*" kafka.Kafka "${dir}/server.properties" \
    < /dev/null > "${dir}/kafka.log" 2>&1 9>&- &
  local deadline=$((SECONDS + 10))
  until [[ -s "${dir}/kafka.pid" ]]; do
    ((SECONDS < deadline)) || die "broker in ${dir} did not write its pid file"
    sleep 0.1
  done
}

fail_with_log_tail() {
  local dir="$1" reason="$2"
  log "${reason}"
  log "last lines of ${dir}/kafka.log:"
  tail -n 40 "${dir}/kafka.log" >&2 || true
  exit 1
}

# wait_for_brokers BOOTSTRAP EXPECTED_COUNT DIR...: until every expected broker answers ApiVersions.
wait_for_brokers() {
  local bootstrap="$1" expected="$2"
  shift 2
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT_SECONDS)) dir first_port ids
  first_port="${bootstrap%%,*}"
  first_port="${first_port##*:}"
  while true; do
    for dir in "$@"; do
      instance_running "${dir}" || fail_with_log_tail "${dir}" "the broker in ${dir} exited during start-up."
    done
    if port_open 127.0.0.1 "${first_port}"; then
      ids="$(kafka_answering_broker_ids "${bootstrap}" | wc -l)"
      if ((ids >= expected)); then
        return 0
      fi
    fi
    ((SECONDS < deadline)) ||
      fail_with_log_tail "$1" "Kafka (${bootstrap}) did not answer with ${expected} broker(s) within ${KAFKA_START_TIMEOUT_SECONDS}s."
    sleep 1
  done
}

# stop_instance DIR: SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT_SECONDS.
stop_instance() {
  local dir="$1" pid
  if ! instance_running "${dir}"; then
    rm -f "${dir}/kafka.pid"
    return 0
  fi
  pid="$(cat "${dir}/kafka.pid")"
  log "stopping broker pid ${pid} (${dir#"${LOCAL_DIR}/"})"
  kill -TERM "${pid}" 2> /dev/null || true
}

# wait_stopped TIMEOUT DIR...: waits for SIGTERMed brokers, SIGKILLs the ones past the timeout.
wait_stopped() {
  local timeout="$1"
  shift
  local deadline=$((SECONDS + timeout)) dir pending
  while true; do
    pending=0
    for dir in "$@"; do
      instance_running "${dir}" && pending=1
    done
    ((pending)) || break
    if ((SECONDS >= deadline)); then
      for dir in "$@"; do
        if instance_running "${dir}"; then
          log "broker in ${dir#"${LOCAL_DIR}/"} still running ${timeout}s after SIGTERM; sending SIGKILL"
          kill -KILL "$(cat "${dir}/kafka.pid")" 2> /dev/null || true
        fi
      done
      sleep 1
      break
    fi
    sleep 0.5
  done
  for dir in "$@"; do
    instance_running "${dir}" || rm -f "${dir}/kafka.pid"
  done
}
