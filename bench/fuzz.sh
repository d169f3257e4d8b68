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

host=artifacts/bin/Sesame.Host/release/Sesame.Host.dll
load=artifacts/bin/Sesame.Load/release/Sesame.Load.dll
if [ "$build" -eq 1 ]; then
  dotnet build src/Sesame.Host -c Release -warnaserror -v quiet -nologo >/dev/null
  dotnet build bench/Sesame.Load -c Release -warnaserror -v quiet -nologo >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

port=$(dotnet "$load" free-port)
started=$(date +%s%3N)
ASPNETCORE_ENVIRONMENT=Development dotnet "$host" --urls "http://127.0.0.1:$port" --Sesame:DataDir="$work/data" \
  --Logging:LogLevel:Default=Warning --Logging:Console:FormatterName=simple >"$work/sesame.log" 2>&1 &
server_pid=$!
dotnet "$load" wait-health --endpoint "http://127.0.0.1:$port" --timeout 60 --since-unix-ms "$started" >/dev/null \
  || { cat "$work/sesame.log" >&2; exit 1; }

args=(fuzz --endpoint "http://127.0.0.1:$port" --requests "$requests" --seed "$seed" --concurrency "$concurrency"
  --server-pid "$server_pid" --server-log "$work/sesame.log")
[ -n "$json" ] && args+=(--json "$json")
dotnet "$load" "${args[@]}"
