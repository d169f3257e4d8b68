#!/usr/bin/env bash
# The enumeration benchmark: starts Sesame (Development, its development pool in the strict enumeration mode, the
# abuse limits and lockout-relevant caps off by explicit settings) on a free loopback port with a fresh data directory
# and runs `Sesame.Load enumeration`: N interleaved known/unknown requests per operation, one at a time, reporting the
# medians, abs(Δ median) and whether the masked bodies are identical. Not a test: timing figures, recorded in
# docs/benchmarks.md. Everything it starts is stopped when it ends.
#
#   bash bench/enumeration.sh [--requests N] [--json FILE] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline

requests=5000 json="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift ;;
    --json) json=$2; shift ;;
    --no-build) build=0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/dev-host.sh
. bench/dev-host.sh
pool=--Sesame:UserPools:us-east-1_SesameDev
limits=()
for limit in DestinationPerTenMinutes DestinationPerDay ClientIpPerHour ClientIpPerDay SmsPerHour SmsPerDay CodeFailuresPerDay \
  ConsecutiveCodeFailures ConsecutivePasswordFailures PasswordAttemptsPerClientIpPerFiveMinutes PasswordAttemptsPerClientIpPerHour PasswordAttemptsPerAccountPerDay \
  PrefixUnconvertedPerHour; do
  limits+=("$pool:Limits:$limit=0")
done
start_dev_host "$work/sesame.log" "$pool:EnumerationMode=Strict" "$pool:Limits:DestinationInterval=00:00:00" "${limits[@]}"

args=(enumeration --endpoint "http://127.0.0.1:$port" --requests "$requests")
[ -n "$json" ] && args+=(--json "$json")
dotnet "$load" "${args[@]}"
