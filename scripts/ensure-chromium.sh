#!/usr/bin/env bash
# The patient-page browser tests drive Debian's Chromium through playwright-core (which never
# downloads a browser). Installs the `chromium` package when it is missing; idempotent.
set -euo pipefail
if command -v chromium > /dev/null 2>&1; then
  exit 0
fi
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
echo "installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
sudo_if_needed apt-get update -qq
sudo_if_needed apt-get install -y -qq --no-install-recommends chromium > /dev/null
chromium --version
