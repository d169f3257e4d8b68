#!/usr/bin/env bash
# Runs every test Sesame has: the .NET suite (unit, HTTP-level over the real wire format, SQLite), then the
# conformance suite, in which the official Cognito clients from npm drive the real server, then a load smoke run
# (bench/run.sh --smoke: the load generator completes every flow against a production-like server, no failure), then
# the publish test (scripts/publish-test.sh: the Dockerfile's dotnet publish, started as the container starts it and
# signed in through with the AWS SDK v3, and the checks of the deployment files). The PostgreSQL tests run
# against a throwaway cluster (scripts/postgres.sh) that lives only as long as this script.
# It installs what the tests need and stops what it starts. Last line: "Total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is required on PATH" >&2; exit 2; }
done

results=$(mktemp -d)
pgdir=$(mktemp -d)
cleanup() {
  bash scripts/postgres.sh stop "$pgdir"
  rm -rf "$results"
}
trap cleanup EXIT
# The test steps run in a process group of their own while this shell waits for them: bash runs a trap only between
# foreground commands, and `dotnet test` ignores SIGINT, so a Ctrl-C or a CI timeout (TERM) would otherwise wait for
# the whole suite. The trap ends the step's group and exits; the EXIT trap then stops the cluster.
step_pid=
step() {
  setsid "$@" &
  step_pid=$!
  wait "$step_pid"
  local status=$?
  step_pid=
  return "$status"
}
interrupted() {
  [ -z "$step_pid" ] || kill -TERM -- "-$step_pid" 2>/dev/null
  exit "$1"
}
# A step whose output ends with "N passed, M failed": its output goes to the terminal and to $1, its counts to
# counted_passed / counted_failed; a step that fails without counting a failure counts one.
counted_step() {
  local out=$1 status line
  shift
  # shellcheck disable=SC2016 # expanded by the inner bash
  step bash -c '"${@:2}" | tee "$1"; exit "${PIPESTATUS[0]}"' _ "$out" "$@"
  status=$?
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  counted_passed=$(sed -n 's/^\([0-9]*\) passed.*/\1/p' <<<"$line")
  counted_failed=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$line")
  counted_passed=${counted_passed:-0}
  counted_failed=${counted_failed:-0}
  if [ "$status" -ne 0 ] && [ "$counted_failed" -eq 0 ]; then counted_failed=1; fi
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

echo "== build"
dotnet build Sesame.slnx -c Release -warnaserror || { echo "Total: 0 passed, 1 failed"; exit 1; }

echo "== PostgreSQL (throwaway cluster)"
bash scripts/postgres.sh start "$pgdir" >/dev/null || { echo "Total: 0 passed, 1 failed"; exit 1; }
SESAME_TEST_POSTGRES=$(cat "$pgdir/connection-string")
export SESAME_TEST_POSTGRES

echo "== .NET tests"
step dotnet test Sesame.slnx -c Release --no-build --logger "trx;LogFileName=dotnet.trx" --results-directory "$results"
dotnet_status=$?
counters=$(grep -o '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -1)
dotnet_passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
dotnet_failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
dotnet_passed=${dotnet_passed:-0}
dotnet_failed=${dotnet_failed:-0}
if [ "$dotnet_status" -ne 0 ] && [ "$dotnet_failed" -eq 0 ]; then dotnet_failed=1; fi
# The names and first message lines of failed tests, printed again just above the totals, where a CI log's tail shows them.
dotnet_failures=$(awk 'BEGIN { RS = "<UnitTestResult " }
  substr($0, 1, index($0, ">")) ~ /outcome="Failed"/ {
    name = $0; sub(/^.*testName="/, "", name); sub(/".*$/, "", name); msg = ""
    if (index($0, "<Message>") > 0) {
      msg = substr($0, index($0, "<Message>") + 9); sub(/<\/Message>.*$/, "", msg); gsub(/[ \t\r\n]+/, " ", msg)
      msg = ": " substr(msg, 1, 400)
    }
    print "  " name msg
  }' "$results"/dotnet.trx 2>/dev/null)

echo "== Chromium for the browser tests (Debian's package, installed when missing, as PostgreSQL is)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: chromium is missing and this is not root; the browser tests will fail (install Debian's chromium)" >&2
  fi
fi

echo "== conformance (real clients from npm)"
npm ci --prefix test/conformance --no-audit --no-fund --loglevel=error
counted_step "$results/conformance.txt" node test/conformance/run.mjs
conf_passed=$counted_passed conf_failed=$counted_failed

echo "== load smoke (bench/Sesame.Load against a production-like server, a few seconds)"
# Figures are not judged here (docs/benchmarks.md has them): the generator must complete every flow, none failing.
if step bash bench/run.sh --smoke --no-build; then load_passed=1 load_failed=0; else load_passed=0 load_failed=1; fi

echo "== publish (the Dockerfile's dotnet publish, run as the container runs it; the deployment files checked)"
counted_step "$results/publish.txt" bash scripts/publish-test.sh
publish_passed=$counted_passed publish_failed=$counted_failed

if [ -n "$dotnet_failures" ]; then echo "failed .NET tests:"; echo "$dotnet_failures"; fi
if [ "$conf_failed" -ne 0 ]; then echo "failed conformance tests:"; grep '^not ok' "$results/conformance.txt" | sed 's/^/  /'; fi
if [ "$publish_failed" -ne 0 ]; then echo "failed publish checks:"; grep '^not ok' "$results/publish.txt" | sed 's/^/  /'; fi
passed=$((dotnet_passed + conf_passed + load_passed + publish_passed))
failed=$((dotnet_failed + conf_failed + load_failed + publish_failed))
echo ".NET: $dotnet_passed passed, $dotnet_failed failed; conformance: $conf_passed passed, $conf_failed failed; load smoke: $load_passed passed, $load_failed failed; publish: $publish_passed passed, $publish_failed failed"
echo "Total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
