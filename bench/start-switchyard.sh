#!/usr/bin/env bash
# Start wrapper the harness runs as GATEWAY_START_CMD (under `bash -c`, in its own process group, with GATEWAY_PORT
# and MOCK_URL set). It writes a config whose only provider is the harness's mock, makes a throwaway data dir, then
# execs the CLI: same PID, same process group, so the harness's /proc CPU accounting and kill(-pgid) cover it.
#   SWITCHYARD_BENCH_TMP   parent for the config + data dir (gateway-bench.js makes one and removes it afterwards)
#   SWITCHYARD_NODE        node binary (default: node on PATH)
#   SWITCHYARD_NODE_ARGS   extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (profile mode uses this)
#   SWITCHYARD_CLI         the CLI to run (default: this checkout's dist/cli/switchyard.js, the bundle bin/switchyard.js
#                          runs; tsc's dist/main/cli/main.js works too), e.g. a build of another commit
set -euo pipefail
: "${MOCK_URL:?MOCK_URL is not set (the harness sets it for GATEWAY_START_CMD)}"
: "${GATEWAY_PORT:?GATEWAY_PORT is not set (the harness sets it for GATEWAY_START_CMD)}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${SWITCHYARD_CLI:-$root/dist/cli/switchyard.js}"
[ -f "$cli" ] || { echo "start-switchyard: $cli missing; run: npm run build:main (or fix SWITCHYARD_CLI)" >&2; exit 1; }
parent="${SWITCHYARD_BENCH_TMP:-${TMPDIR:-/tmp}}"
mkdir -p "$parent"
dir="$(mktemp -d "$parent/switchyard-gw.XXXXXX")"
printf '{"providers":[{"id":"mock","type":"openai-compatible","base_url":"%s/v1"}]}\n' "$MOCK_URL" >"$dir/config.json"
# shellcheck disable=SC2086  # SWITCHYARD_NODE_ARGS is a list of flags
exec "${SWITCHYARD_NODE:-node}" ${SWITCHYARD_NODE_ARGS:-} "$cli" serve --host 127.0.0.1 --port "$GATEWAY_PORT" \
  --config "$dir/config.json" --data-dir "$dir/data"
