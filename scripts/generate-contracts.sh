#!/usr/bin/env bash
# Regenerates libs/contracts/src/generated from proto/ (the single source of truth).
# Uses the pinned local buf + protoc-gen-es from node_modules: no network, reproducible.
# Generated code is committed as the plugin writes it (it is prettier- and eslint-ignored).
# Usage: npm run contracts:generate             lint proto/ and regenerate
#        npm run contracts:generate -- --check  fail if the committed code is stale
set -euo pipefail

cd "$(dirname "$0")/.."

BUF=node_modules/.bin/buf
OUT=libs/contracts/src/generated

if [[ ! -x "$BUF" || ! -x node_modules/.bin/protoc-gen-es ]]; then
  echo "buf/protoc-gen-es not found in node_modules; run 'npm ci' first" >&2
  exit 1
fi

"$BUF" lint proto

if [[ "${1:-}" == "--check" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  sed "s#out: libs/contracts/src/generated#out: $tmp/generated#" proto/buf.gen.yaml >"$tmp/buf.gen.yaml"
  "$BUF" generate --template "$tmp/buf.gen.yaml"
  if ! diff -r "$tmp/generated" "$OUT"; then
    echo "$OUT is stale: run 'npm run contracts:generate' and commit the result" >&2
    exit 1
  fi
  echo "generated contracts are up to date"
  exit 0
fi

"$BUF" generate --template proto/buf.gen.yaml
echo "generated $(find "$OUT" -name '*_pb.ts' | wc -l) files into $OUT"
