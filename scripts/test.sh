#!/usr/bin/env bash
# The whole test suite on a fresh clone: installs packages, starts the real Kafka broker
# and PostgreSQL (deploy/local/up.sh), then static checks and the three test tiers.
set -euo pipefail
export NX_DAEMON=false NX_NO_CLOUD=true
cd "$(dirname "$0")/.."

log() { printf '\n==> %s  [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund
fi

log "starting PostgreSQL and Kafka"
bash deploy/local/up.sh

log "Chromium for the browser tests"
bash scripts/ensure-chromium.sh

log "generated contracts are up to date"
bash scripts/generate-contracts.sh --check

log "typecheck"
npx tsc -p tsconfig.json --noEmit

log "lint"
npx nx show projects > /dev/null  # builds the project graph the module-boundary rule reads
npx eslint . --max-warnings 0

log "format"
npx prettier --check . --log-level warn

log "the merged OpenAPI document is up to date"
npm run -s openapi:check

log "helm lint --strict, helm template, values schemas"
bash deploy/helm/lint.sh

log "build the optimizer library and CLI (dist/)"
npm run build:optimizer

results_dir=$(mktemp -d)
status=0
run_tier() {
  local tier=$1
  shift
  log "jest: $tier tests"
  npx jest --selectProjects "$tier" --ci --json --outputFile "$results_dir/$tier.json" "$@" || status=1
}
# Integration and e2e suites run two at a time (they mostly wait on round trips, due times and
# stack starts). Every suite consumes the product's real topic names, so jest worker 2 gets a
# single-node broker of its own; it starts now and is ready long before the integration tier.
log "a second Kafka broker for the second jest worker (started in the background)"
brokers_file="$results_dir/worker-brokers"
node -r @swc-node/register scripts/e2e-worker-brokers.ts --extra 1 --ready-file "$brokers_file" \
  >"$results_dir/worker-brokers.log" 2>&1 &
brokers_pid=$!
trap 'kill "$brokers_pid" 2>/dev/null || true' EXIT
run_tier unit --maxWorkers 2
# The fault suite's short form is the longest step. It starts after the unit tier (whose two
# CPU-bound workers would starve its stacks), beside the integration and e2e tiers, every fault
# on a Kafka broker of its own (--own-broker), so neither consumes the other's events; a failing
# fault fails the run (FAULTS_GATE=0 reports it without failing). Its output is printed after
# the e2e tier, not interleaved.
log "fault suite, short form, started beside the integration and e2e tiers"
faults_log="$results_dir/faults.log"
npm run -s test:faults -- --short --own-broker >"$faults_log" 2>&1 &
faults_pid=$!
trap 'kill "$brokers_pid" "$faults_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  [[ -s "$brokers_file" ]] || ! kill -0 "$brokers_pid" 2>/dev/null && break
  sleep 0.5
done
if [[ -s "$brokers_file" ]]; then
  E2E_WORKER_BROKERS=$(cat "$brokers_file")
  export E2E_WORKER_BROKERS
  parallel=(--maxWorkers 2)
else
  log "the second broker did not start: integration and e2e suites one at a time"
  cat "$results_dir/worker-brokers.log"
  parallel=(--runInBand)
fi
# The relay's abandoned-send socket leak is fixed (outbox-relay-failures exits on its own);
# --forceExit stays as a guard until a full tier has been seen exiting on its own in CI: a
# handle left open elsewhere must not hang CI after every result is in. To find one, run a
# spec with --detectOpenHandles, or log process.getActiveResourcesInfo() for kafkajs sockets.
run_tier integration "${parallel[@]}" --forceExit
run_tier e2e "${parallel[@]}" --forceExit
unset E2E_WORKER_BROKERS
faults_status=0
wait "$faults_pid" || faults_status=$?
log "fault suite, short form (exit $faults_status; FAULTS_GATE=${FAULTS_GATE:-1})"
cat "$faults_log"
[[ $faults_status == 0 || "${FAULTS_GATE:-1}" == 0 ]] || status=1
kill "$brokers_pid" 2>/dev/null || true
wait "$brokers_pid" 2>/dev/null || true
trap - EXIT
# Opt-in, off by default (E2E_CLUSTER=1): the e2e tier again, against the 3-node cluster.
if [[ "${E2E_CLUSTER:-0}" == 1 ]]; then
  log "jest: e2e tests against the 3-node cluster (E2E_CLUSTER=1)"
  bash scripts/test-e2e-cluster.sh --ci --json --outputFile "$results_dir/e2e-cluster.json" --forceExit || status=1
fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1]).filter((name) => name.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
    // Where the time goes (the 40-minute budget): the slowest suites of each tier.
    const slowest = r.testResults
      .map((suite) => ({ name: suite.name.replace(process.cwd() + "/", ""), s: (suite.endTime - suite.startTime) / 1000 }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 5);
    console.log(`\n${f.replace(/\.json$/, "")}: slowest suites`);
    for (const { name, s } of slowest) console.log(`  ${s.toFixed(1).padStart(7)} s  ${name}`);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results_dir"
exit $status
