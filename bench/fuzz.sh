#!/usr/bin/env bash
# The malformed-input run: starts Sesame (Development, its development pool, the abuse limits at their defaults, logs at
# Warning into a file) on a free loopback port with a fresh data directory, sends it N malformed requests with
# `Sesame.Load fuzz` (bodies up to 1 MiB, deep nesting, invalid UTF-8, wrong types, huge numbers, duplicate keys,
# random targets, paths and headers), and reports 5xx answers, fail/crit/unhandled-exception lines in the server's log
# and its RSS growth. Exits 1 on any 5xx or such line. Everything it starts is stopped when it ends.
#
#   bash bench/fuzz.sh [--requests N] [--seed S] [--concurrency N] [--json FILE] [--no-build] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline

requests=100000 seed=1 concurrency=8 json="" build=1 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift ;;
    --seed) seed=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --json) json=$2; shift ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/dev-host.sh
. bench/dev-host.sh
start_dev_host "$work/sesame.log"

args=(fuzz --endpoint "http://127.0.0.1:$port" --requests "$requests" --seed "$seed" --concurrency "$concurrency"
  --server-pid "$server_pid" --server-log "$work/sesame.log")
[ -n "$json" ] && args+=(--json "$json")
dotnet "$load" "${args[@]}"
