# Sourced by bench/fuzz.sh and bench/enumeration.sh: builds (unless build=0) and starts the Release host in the
# Development environment on a free loopback port with a fresh data directory, and stops it when the script ends.
# After `start_dev_host LOG [--Setting=Value]…`: $port, $server_pid, $work (removed at the end unless keep=1).
host=${host:-artifacts/bin/Sesame.Host/release/Sesame.Host.dll}
load=${load:-artifacts/bin/Sesame.Load/release/Sesame.Load.dll}
if [ "${build:-1}" -eq 1 ]; then
  dotnet build src/Sesame.Host -c Release -warnaserror -v quiet -nologo >/dev/null
  dotnet build bench/Sesame.Load -c Release -warnaserror -v quiet -nologo >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ "${keep:-0}" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

start_dev_host() { # $1 = log file; the rest: settings
  local log=$1
  shift
  port=$(dotnet "$load" free-port)
  ASPNETCORE_ENVIRONMENT=Development dotnet "$host" --urls "http://127.0.0.1:$port" --Sesame:DataDir="$work/data" \
    --Logging:LogLevel:Default=Warning --Logging:Console:FormatterName=simple "$@" >"$log" 2>&1 &
  server_pid=$!
  dotnet "$load" wait-health --endpoint "http://127.0.0.1:$port" --timeout 60 >/dev/null || { cat "$log" >&2; exit 1; }
}
