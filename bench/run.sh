#!/usr/bin/env bash
# The load benchmark: starts Sesame production-like on loopback (Production environment, logs at Warning, codes
# delivered through the generic HTTP provider to the load generator's own signed endpoint), once with SQLite
# synchronous=Full and once with Normal, runs every flow with bench/Sesame.Load, measures the RS256 signing ceiling in
# the same run, then drives cognito-local (npm, installed into a temporary folder) with the flows it serves. Prints the
# table of docs/benchmarks.md and, with --json FILE, writes the figures in the shape of the performance issue.
# Everything it starts is stopped when it ends, fails or is interrupted.
#
#   bash bench/run.sh [--quick | --smoke] [--json FILE] [--concurrency N] [--users N] [--duration S] [--flows LIST]
#                     [--password-concurrency N] [--sync Full,Normal] [--server-arg --Key=Value]…
#                     [--seed N] [--rate R] [--no-peer] [--no-build] [--keep] [--postgres] [--nodes N]
#
# --quick: a few seconds per flow (the whole script in under 5 minutes on two cores). --smoke (the test command's
# step): two workers for two seconds per passwordless flow, SQLite Normal, no peer; exits 1 unless every flow
# completed without a failure. The password flow runs at its own, low concurrency (default 4): a password hash is a
# large share of a core, and one user's parallel attempts count toward its lockout. --server-arg adds a setting to
# Sesame's command line (e.g. --server-arg --Sesame:Passwords:Algorithm=Pbkdf2). --keep leaves the temporary folder
# (data, logs, result files) and prints where it is. --seed N fills the pool with N users before the server starts,
# through `sesame import cognito` of a file the generator writes (the fast path; its time is printed and recorded), and
# the flows then draw their users from all N (so --seed 1000000 measures sign-in with a million users in the pool).
# --rate R: the passwordless flows start at R per second in all (the generator's --rate), for latency at a chosen
# rate: the performance issue's p99 "at half of that rate" is a second run with R = half the closed-loop flows/s.
# --postgres: Sesame on PostgreSQL instead of SQLite, on a
# throwaway cluster of its own (scripts/postgres.sh, stopped at the end); --nodes N (with --postgres): N Sesame
# processes on that one database, the generator spreading requests round-robin over them (every step of a sign-in
# may land on another node); CPU and RSS figures are the first node's.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline

quick=0 smoke=0 failed=0 json="" rate="" build=1 peer=1 keep=0 seed=0 postgres=0 nodes=1 pg_dir="" pg_cs=""
concurrency="" users="" duration="" sync_modes="Full,Normal" password_concurrency=4 server_args=()
flows="signin,user-auth,signup,refresh,password,mix"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --smoke) smoke=1 ;;
    --json) json=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --password-concurrency) password_concurrency=$2; shift ;;
    --users) users=$2; shift ;;
    --seed) seed=$2; shift ;;
    --rate) rate=$2; shift ;;
    --duration) duration=$2; shift ;;
    --flows) flows=$2; shift ;;
    --sync) sync_modes=$2; shift ;;
    --server-arg) server_args+=("$2"); shift ;;
    --no-peer) peer=0 ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --postgres) postgres=1 ;;
    --nodes) nodes=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" -eq 1 ]; then
  duration=${duration:-2} warmup=0 users=${users:-20} concurrency=${concurrency:-2} ceiling=0.5 overhead=0.5
  peer=0 sync_modes=Normal flows=signin,user-auth,signup,refresh,mix
elif [ "$quick" -eq 1 ]; then
  duration=${duration:-4} warmup=1 users=${users:-1000} concurrency=${concurrency:-32} ceiling=3 overhead=2
else
  duration=${duration:-20} warmup=3 users=${users:-10000} concurrency=${concurrency:-32} ceiling=5 overhead=3
fi
[ "$seed" -gt 0 ] && users=$seed
if [ "$nodes" -gt 1 ] && [ "$postgres" -eq 0 ]; then
  echo "error: --nodes N needs --postgres (nodes share one PostgreSQL database; SQLite is one node's file)" >&2
  exit 2
fi
[ "$postgres" -eq 1 ] && sync_modes=Postgres
if [ -n "$json" ]; then
  case "$json" in /*) ;; *) json="$PWD/$json" ;; esac
fi

for tool in dotnet; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is required on PATH" >&2; exit 2; }
done
if [ "$peer" -eq 1 ] && ! { command -v node >/dev/null && command -v npm >/dev/null; }; then
  echo "error: node and npm are needed for cognito-local (or pass --no-peer)" >&2
  exit 2
fi

work=$(mktemp -d)
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_all
  if [ -n "$pg_dir" ]; then bash scripts/postgres.sh stop "$pg_dir" || true; fi
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# host= in the environment runs another build of the server, e.g. the ReadyToRun output of the Dockerfile's publish line.
host=${host:-artifacts/bin/Sesame.Host/release/Sesame.Host.dll}
load=artifacts/bin/Sesame.Load/release/Sesame.Load.dll
if [ "$build" -eq 1 ]; then
  echo "== build (Release)"
  dotnet build src/Sesame.Host -c Release -warnaserror -v quiet -nologo >"$work/build.log" 2>&1 \
    && dotnet build bench/Sesame.Load -c Release -warnaserror -v quiet -nologo >>"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; echo "error: the build failed" >&2; exit 1; }
fi
gen() { dotnet "$load" "$@"; }
if [ "$postgres" -eq 1 ]; then
  # Outside $work (mode 0700, root's when run as root): the cluster belongs to the 'postgres' user then.
  pg_dir=$(mktemp -u "${TMPDIR:-/tmp}/sesame-bench-pg.XXXXXX")
  echo "== PostgreSQL (throwaway cluster)"
  bash scripts/postgres.sh start "$pg_dir" >/dev/null
  pg_cs=$(cat "$pg_dir/connection-string")
fi

pool=us-east-1_SesameBench
client=sesamebenchclient00000000
admin_secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
delivery_secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
master_key=$(head -c 32 /dev/urandom | base64)
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || revision="$revision+changes"

# One production-like Sesame: everything it needs is on its command line (no file of the repository changes).
start_sesame() { # $1 = Full|Normal; sets port, delivery_port, sesame_pid, startup_ms, idle_rss_kb
  local sync=$1
  port=$(gen free-port)
  delivery_port=$(gen free-port)
  local storage_args=(--Sesame:Storage:SqliteSynchronous="$sync")
  [ "$sync" = Postgres ] && storage_args=(--Sesame:Storage:Provider=Postgres --Sesame:Storage:ConnectionString="$pg_cs")
  local p="--Sesame:UserPools:$pool"
  local args=(
    --urls "http://127.0.0.1:$port"
    --Sesame:PublicOrigin="http://127.0.0.1:$port"
    --Sesame:DataDir="$work/data-$sync"
    --Sesame:Secrets:MasterKey="$master_key"
    "${storage_args[@]}"
    --Logging:LogLevel:Default=Warning
    --Logging:LogLevel:Microsoft.AspNetCore=Warning
    --Sesame:AdminAccessKeys:bench="$admin_secret"
    --Sesame:Delivery:Providers:generator:Type=Http
    --Sesame:Delivery:Providers:generator:Url="http://127.0.0.1:$delivery_port/"
    --Sesame:Delivery:Providers:generator:SigningSecret="$delivery_secret"
    --Sesame:Delivery:SmsProviders:0=generator
    --Sesame:Delivery:EmailProviders:0=generator
    "$p:Name=Bench"
    "$p:Clients:$client:Name=bench"
    "$p:Clients:$client:ExplicitAuthFlows:0=ALLOW_CUSTOM_AUTH"
    "$p:Clients:$client:ExplicitAuthFlows:1=ALLOW_USER_AUTH"
    "$p:Clients:$client:ExplicitAuthFlows:2=ALLOW_REFRESH_TOKEN_AUTH"
    "$p:Clients:$client:ExplicitAuthFlows:3=ALLOW_USER_PASSWORD_AUTH"
    # The abuse limits would (rightly) stop one client IP from signing in thousands of users, sending to thousands of
    # numbers of one prefix, or trying thousands of passwords: off for the benchmark, by explicit settings.
    "$p:Limits:DestinationInterval=00:00:00"
    "$p:Limits:DestinationPerTenMinutes=0" "$p:Limits:DestinationPerDay=0"
    "$p:Limits:ClientIpPerHour=0" "$p:Limits:ClientIpPerDay=0"
    "$p:Limits:SmsPerHour=0" "$p:Limits:SmsPerDay=0"
    "$p:Limits:PrefixUnconvertedPerHour=0"
    "$p:Limits:PasswordAttemptsPerClientIpPerFiveMinutes=0" "$p:Limits:PasswordAttemptsPerClientIpPerHour=0"
    "$p:Limits:PasswordAttemptsPerAccountPerDay=0"
    "${server_args[@]}"
  )
  mkdir -p "$work/data-$sync"
  seed_ms=0
  if [ "$seed" -gt 0 ]; then
    [ -s "$work/seed.csv" ] || gen seed-csv --users "$seed" --out "$work/seed.csv"
    local seeding
    seeding=$(date +%s%3N)
    # The command line takes the server's settings (not --urls), opens the same store and imports in batches.
    ASPNETCORE_ENVIRONMENT=Production dotnet "$host" import cognito --pool "$pool" "$work/seed.csv" "${args[@]:2}" \
      >"$work/seed-$sync.log" 2>&1 || { tail -20 "$work/seed-$sync.log" >&2; echo "error: seeding failed" >&2; exit 1; }
    seed_ms=$(( $(date +%s%3N) - seeding ))
    echo "seeded $seed users (sesame import cognito) in $seed_ms ms: $(tail -1 "$work/seed-$sync.log")"
  fi
  local started
  started=$(date +%s%3N)
  ASPNETCORE_ENVIRONMENT=Production dotnet "$host" "${args[@]}" >"$work/sesame-$sync.log" 2>&1 &
  sesame_pid=$!
  pids+=("$sesame_pid")
  if ! startup_ms=$(gen wait-health --endpoint "http://127.0.0.1:$port" --timeout 60 --since-unix-ms "$started"); then
    cat "$work/sesame-$sync.log" >&2
    echo "error: Sesame ($sync) did not become healthy" >&2
    exit 1
  fi
  idle_rss_kb=$(ps -o rss= -p "$sesame_pid" | tr -d ' ')
  first_node_args=("${args[@]}")
  # More nodes on the same database, each on a port of its own (the first node has applied the schema).
  also_endpoints=()
  local n node_port
  for n in $(seq 2 "$nodes"); do
    node_port=$(gen free-port)
    args[1]="http://127.0.0.1:$node_port"
    args[2]="--Sesame:PublicOrigin=http://127.0.0.1:$node_port"
    args[3]="--Sesame:DataDir=$work/data-$sync-$n"
    mkdir -p "$work/data-$sync-$n"
    ASPNETCORE_ENVIRONMENT=Production dotnet "$host" "${args[@]}" >"$work/sesame-$sync-$n.log" 2>&1 &
    pids+=("$!")
    gen wait-health --endpoint "http://127.0.0.1:$node_port" --timeout 60 >/dev/null \
      || { cat "$work/sesame-$sync-$n.log" >&2; echo "error: Sesame node $n did not become healthy" >&2; exit 1; }
    also_endpoints+=(--also-endpoint "http://127.0.0.1:$node_port")
  done
}

run_args=(--concurrency "$concurrency" --users "$users" --duration "$duration" --warmup "$warmup")
runs=()
first=1
IFS=',' read -r -a modes <<<"$sync_modes"
for sync in "${modes[@]}"; do
  if [ "$sync" = Postgres ]; then echo "== Sesame on PostgreSQL, $nodes node(s)"; else echo "== Sesame, SQLite synchronous=$sync"; fi
  start_sesame "$sync"
  echo "started: /health 200 after $startup_ms ms; idle RSS $((idle_rss_kb / 1024)) MB"
  extra=(--overhead 0 --ceiling 0)
  # The first run also measures the generator's own ceiling and the RS256 ceiling, on the same cores, just before.
  [ "$first" -eq 1 ] && extra=(--overhead "$overhead" --ceiling "$ceiling")
  status=0
  target=(--endpoint "http://127.0.0.1:$port" --pool "$pool" --client "$client" --admin-key "bench:$admin_secret"
    --codes http --delivery-listen "127.0.0.1:$delivery_port" --delivery-secret "$delivery_secret" "${also_endpoints[@]}")
  [ "$seed" -gt 0 ] && target+=(--seeded "$work/seed.csv")
  name="sqlite-$(tr '[:upper:]' '[:lower:]' <<<"$sync")"
  [ "$sync" = Postgres ] && name="postgres-${nodes}node"
  main_flows=$(tr , "\n" <<<"$flows" | { grep -vx password || true; } | paste -sd, -)
  if [ -n "$main_flows" ]; then
    gen run "${target[@]}" --server-pid "$sesame_pid" --flow "$main_flows" "${run_args[@]}" ${rate:+--rate "$rate"} "${extra[@]}" --json "$work/sesame-$sync.json" || status=$?
    runs+=(--run "$name=$work/sesame-$sync.json")
  fi
  if tr ',' '\n' <<<"$flows" | grep -qx password; then
    [ -n "$main_flows" ] && extra=(--overhead 0 --ceiling 0)
    gen run "${target[@]}" --server-pid "$sesame_pid" --flow password "${run_args[@]}" --concurrency "$password_concurrency" --users 8 "${extra[@]}" \
      --json "$work/sesame-$sync-password.json" || status=$?
    runs+=(--run "$name=$work/sesame-$sync-password.json")
  fi
  peak_rss_kb=$(ps -o rss= -p "$sesame_pid" | tr -d ' ')
  echo "RSS after the flows: $((peak_rss_kb / 1024)) MB"
  if [ -n "$main_flows" ] && [ ! -s "$work/sesame-$sync.json" ]; then
    tail -50 "$work/sesame-$sync.log" >&2
    echo "error: the load generator wrote no results (exit $status)" >&2
    exit 1
  fi
  [ "$status" -eq 0 ] || { failed=1; echo "warning: some flows failed (exit $status); see the table" >&2; }
  stop_all
  # A restart on the same data: the first start above also applied the schema and generated the pool's signing key.
  restarted=$(date +%s%3N)
  ASPNETCORE_ENVIRONMENT=Production dotnet "$host" "${first_node_args[@]}" >"$work/sesame-$sync-restart.log" 2>&1 &
  pids+=("$!")
  restart_ms=$(gen wait-health --endpoint "http://127.0.0.1:$port" --timeout 60 --since-unix-ms "$restarted") \
    || { cat "$work/sesame-$sync-restart.log" >&2; echo "error: Sesame ($sync) did not become healthy after a restart" >&2; exit 1; }
  echo "restarted: /health 200 after $restart_ms ms"
  stop_all
  # The server's own figures go into its result file.
  printf '{"startupMs": %s, "restartMs": %s, "idleRssMb": %s, "rssAfterFlowsMb": %s, "sqliteSynchronous": "%s", "seededUsers": %s, "seedMs": %s}\n' \
    "$startup_ms" "$restart_ms" "$((idle_rss_kb / 1024))" "$((peak_rss_kb / 1024))" "$sync" "$seed" "$seed_ms" >"$work/server-$sync.json"
  runs+=(--server "$name=$work/server-$sync.json")
  first=0
done

peer_args=()
if [ "$peer" -eq 1 ]; then
  echo "== cognito-local (npm), the same generator"
  mkdir -p "$work/peer" "$work/peer-run/.cognito"
  if npm install --prefix "$work/peer" --no-audit --no-fund --loglevel=error cognito-local@5.3.0 >"$work/peer-install.log" 2>&1; then
    cport=$(gen free-port)
    code=$(printf '%06d' $((RANDOM % 1000000)))
    echo '{}' >"$work/peer-run/.cognito/config.json"
    (cd "$work/peer-run" && HOST=127.0.0.1 PORT=$cport CODE=$code exec node "$work/peer/node_modules/cognito-local/lib/bin/start.js") \
      >"$work/cognito-local.log" 2>&1 &
    pids+=("$!")
    if gen wait-health --endpoint "http://127.0.0.1:$cport" --timeout 60 >/dev/null; then
      # It serves password sign-in, sign-up and refresh (InitiateAuth REFRESH_TOKEN_AUTH; no GetTokensFromRefreshToken).
      peer_flows=$(tr , '\n' <<<"$flows" | { grep -E '^(password|signup|refresh)$' || true; } | paste -sd, -)
      if [ -n "$peer_flows" ] && gen run --endpoint "http://127.0.0.1:$cport" --target cognito-local --codes "fixed:$code" \
          --flow "$peer_flows" "${run_args[@]}" --users "$(( users < 256 ? users : 256 ))" --overhead 0 --ceiling 0 \
          --json "$work/cognito-local.json"; then
        peer_args=(--peer "cognito-local=$work/cognito-local.json")
      elif [ -s "$work/cognito-local.json" ]; then
        peer_args=(--peer "cognito-local=$work/cognito-local.json")
        echo "warning: some cognito-local flows failed" >&2
      else
        echo "warning: cognito-local produced no results; the peer column stays empty" >&2
      fi
    else
      tail -20 "$work/cognito-local.log" >&2
      echo "warning: cognito-local did not start; the peer column stays empty" >&2
    fi
    stop_all
  else
    tail -20 "$work/peer-install.log" >&2
    echo "warning: npm could not install cognito-local; the peer column stays empty" >&2
  fi
fi

echo "== results (revision $revision, $(nproc) cores, concurrency $concurrency, $users users, ${duration}s per flow)"
report=(report "${runs[@]}" "${peer_args[@]}" --revision "$revision")
[ -n "$json" ] && report+=(--json "$json")
gen "${report[@]}"
[ -n "$json" ] && echo "wrote $json"
if [ "$smoke" -eq 1 ] && [ "$failed" -ne 0 ]; then
  echo "error: the smoke run had failed flows" >&2
  exit 1
fi
exit 0
