#!/usr/bin/env bash
# Lints and renders every Helm chart here, with real Helm (helm-java from Maven Central) when no
# `helm` binary is installed, then validates values and rendered manifests with validate.mjs.
#   bash deploy/helm/lint.sh
set -euo pipefail
HELM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${HELM_DIR}/tools/.cache"
SERVICES=(ehr-gateway scheduling messaging dispatch-optimizer waitlist audit-log)

node "${HELM_DIR}/generate-service-charts.mjs" --check

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
# Lint a copy: `helm dependency update` writes charts/ and Chart.lock into each chart.
cp -r "${HELM_DIR}/caredispatch-common" "${work}/"
for service in "${SERVICES[@]}"; do cp -r "${HELM_DIR}/${service}" "${work}/"; done
# audit-log once more with its retention guard Job switched on (off by default: it needs a
# superuser), so lint renders that hook template too.
GUARDED=audit-log-retention-guard
cp -r "${HELM_DIR}/audit-log" "${work}/${GUARDED}"
node -e '
  const { readFileSync, writeFileSync } = require("node:fs");
  const file = process.argv[1];
  const text = readFileSync(file, "utf8");
  const on = text.replace(/^(retentionGuard:\n(?:  .*\n|  #.*\n)*?  enabled: )false$/m, "$1true");
  if (on === text) throw new Error("retentionGuard.enabled not found in " + file);
  writeFileSync(file, on);
' "${work}/${GUARDED}/values.yaml"
mkdir -p "${work}/rendered"

if command -v helm > /dev/null 2>&1; then
  helm lint --strict "${work}/caredispatch-common"
  for service in "${SERVICES[@]}"; do
    helm dependency update "${work}/${service}" > /dev/null
    helm lint --strict "${work}/${service}"
    helm template "${service}" "${work}/${service}" --namespace caredispatch > "${work}/rendered/${service}.yaml"
  done
  helm dependency update "${work}/${GUARDED}" > /dev/null
  helm lint --strict "${work}/${GUARDED}"
  helm template audit-log "${work}/${GUARDED}" --namespace caredispatch > "${work}/rendered/${GUARDED}.yaml"
else
  fingerprint="$(sha256sum "${HELM_DIR}/tools/pom.xml" | cut -d' ' -f1)"
  if [[ "$(cat "${CACHE}/libs/.complete" 2> /dev/null)" != "${fingerprint}" ]]; then
    rm -rf "${CACHE}/libs"
    mvn -q -B -o -f "${HELM_DIR}/tools/pom.xml" package > /dev/null 2>&1 ||
      mvn -q -B -f "${HELM_DIR}/tools/pom.xml" package
    echo "${fingerprint}" > "${CACHE}/libs/.complete"
  fi
  java -cp "${CACHE}/libs/*" "${HELM_DIR}/tools/HelmCheck.java" "${work}" "${work}/rendered" |
    grep -v 'icon is recommended'
fi

node "${HELM_DIR}/validate.mjs" "${work}/rendered"
