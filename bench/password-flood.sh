#!/bin/bash
# Passwordless sign-in (4 workers) while 16 workers flood USER_PASSWORD_AUTH, against a Development host on loopback.
# bash bench/password-flood.sh LABEL [ENV=VALUE …]   (run from the repository root after a Release build)
set -u
label=$1; shift
dir=$(mktemp -d)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
P=Sesame__UserPools__us-east-1_SesameDev__Limits__
env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning SESAME_DATA_DIR=$dir \
  ${P}DestinationInterval=00:00:00 ${P}DestinationPerTenMinutes=0 ${P}DestinationPerDay=0 ${P}ClientIpPerHour=0 ${P}ClientIpPerDay=0 \
  ${P}SmsPerHour=0 ${P}SmsPerDay=0 "$@" \
  dotnet artifacts/bin/Sesame.Host/release/Sesame.Host.dll --urls http://127.0.0.1:$port > $dir/host.log 2>&1 &
host=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.2; done
L="dotnet artifacts/bin/Sesame.Load/release/Sesame.Load.dll --endpoint http://127.0.0.1:$port --codes outbox --overhead 0 --admin-key sesame-dev:sesame-dev-secret"
if [ "$label" != "alone" ]; then
  $L --flow password --users 16 --concurrency 16 --duration 40 --warmup 0 > $dir/flood.txt 2>&1 &
  flood=$!
  sleep 12
fi
$L --flow signin --users 50 --concurrency 4 --duration 10 > $dir/signin.txt 2>&1
echo "== $label: signin under flood"; grep -iE "signin|flow|p50" $dir/signin.txt | head -8
if [ "$label" != "alone" ]; then wait $flood; echo "== flood"; grep -iE "password|flow|p50" $dir/flood.txt | head -8; fi
kill $host; wait $host 2>/dev/null; rm -rf $dir
