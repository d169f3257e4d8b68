#!/usr/bin/env bash
# The deployment test (a step of scripts/test.sh; docs/deployment.md). It cannot build the container here (no Docker
# daemon), so it tests what the image would hold and run:
#   1. the Dockerfile's own `dotnet restore` and `dotnet publish` lines (read from the Dockerfile, $TARGETARCH for this
#      machine, the READY_TO_RUN default, `-o /app` into a temporary directory, built from scratch in an artifacts
#      directory of its own as the image's build stage builds without the repository's artifacts/);
#   2. static checks of the Dockerfile, docker-compose.yml and deploy/sesame.service
#      (test/conformance/deployment/deployment-files.mjs), `systemd-analyze verify` and `security` of the unit pointed at
#      the published program (skipped, with a message, when systemd-analyze is missing), and `sesame config check` of the
#      environment the compose file gives a node (valid; the store, host "postgres", unreachable here) and of the unit's
#      environment with deploy/sesame.env.example (valid, store reachable);
#   3. `sesame pools create` and `sesame clients create` of the published program, then `sesame serve` started as the
#      container starts it: a clean environment with the Dockerfile's ENV (Production), Sesame__PublicOrigin, a generated
#      master key, a fresh data directory, a free loopback port, codes through the generic HTTP provider to the client's
#      own signed gateway; the AWS SDK v3 signs a user up and in through it (deployment/published-signin.mjs);
#   4. the HEALTHCHECK command (`sesame health`) exits 0 while it serves and 5 once it is stopped; the data directory
#      is 0700 and its files 0600; SIGTERM stops the server with exit code 0 within 30 s.
# Needs dotnet, node and test/conformance/node_modules (npm ci --prefix test/conformance). Prints `ok - …` / `not ok - …`
# and last "N passed, M failed"; exits 1 on any failure. Stops what it starts, also on failure or interruption; every
# step is bounded in time.
#
#   bash scripts/publish-test.sh [--keep]     # --keep: leave the temporary directory (publish output, logs) and say where
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline

keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $arg (--help)" >&2; exit 2 ;;
  esac
done
for tool in dotnet node; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is required on PATH" >&2; exit 2; }
done
[ -d test/conformance/node_modules/@aws-sdk/client-cognito-identity-provider ] && [ -d test/conformance/node_modules/yaml ] \
  || { echo "error: run 'npm ci --prefix test/conformance' first" >&2; exit 2; }

work=$(mktemp -d)
chmod 0700 "$work"
server_pid=
passed=0 failed=0
started_at=$(date +%s)
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
finish() {
  echo "publish test: $(( $(date +%s) - started_at )) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
# A step that later ones need: on failure, print the log named and stop here.
fatal() { not_ok "$1"; [ -n "${2:-}" ] && [ -f "$2" ] && tail -40 "$2" | sed 's/^/    /'; finish; }
# Counts the `ok - ` / `not ok - ` lines of a node script's output (other lines, such as node's warnings, are dropped);
# fails when there were none.
report() {
  local line any=1
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) ok "${line#ok - }"; any=0 ;;
      "not ok - "*) not_ok "${line#not ok - }"; any=0 ;;
    esac
  done <"$1"
  return "$any"
}
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# ---------------------------------------------------------------------------------------- 1. the Dockerfile's publish
case "$(uname -m)" in
  x86_64|amd64) targetarch=amd64 ;;
  aarch64|arm64) targetarch=arm64 ;;
  *) fatal "no Docker TARGETARCH for this machine ($(uname -m))" ;;
esac
ready_to_run=$(sed -n 's/^ARG READY_TO_RUN=\(.*\)$/\1/p' Dockerfile)
dockerfile_line() { # $1 = the command's first words: the RUN line with the build arguments and /app replaced
  local lines
  lines=$(grep -E "^RUN $1 " Dockerfile)
  [ "$(grep -c . <<<"$lines")" -eq 1 ] || return 1
  sed -e 's/^RUN //' -e "s/\$TARGETARCH/$targetarch/g" -e "s/\$READY_TO_RUN/$ready_to_run/g" -e "s# -o /app\b# -o $work/app#" <<<"$lines"
}
restore_line=$(dockerfile_line 'dotnet restore') || fatal "the Dockerfile has one 'RUN dotnet restore' line"
publish_line=$(dockerfile_line 'dotnet publish') || fatal "the Dockerfile has one 'RUN dotnet publish' line"
case "$publish_line" in *'$'*|*' /app'*) fatal "the publish line has an argument this test does not know: $publish_line" ;; esac
case "$publish_line" in *" -o $work/app"*) ;; *) fatal "the publish line writes to -o /app (the runtime stage copies /app)" ;; esac
read -r -a restore_cmd <<<"$restore_line"
read -r -a publish_cmd <<<"$publish_line"
# A build of its own, as in the image's build stage (.dockerignore leaves artifacts/ out of the context): nothing of the
# repository's artifacts/ is reused, and the other steps' build there is left untouched.
restore_cmd+=("-p:ArtifactsPath=$work/artifacts")
publish_cmd+=("-p:ArtifactsPath=$work/artifacts")
echo "== ${publish_line/$work/<tmp>}"
t0=$(date +%s)
if timeout 300 "${restore_cmd[@]}" -v quiet >"$work/publish.log" 2>&1 \
  && timeout 600 "${publish_cmd[@]}" -v quiet -nologo >>"$work/publish.log" 2>&1; then
  ok "the Dockerfile's dotnet restore and publish lines (TARGETARCH=$targetarch, READY_TO_RUN=$ready_to_run) in $(( $(date +%s) - t0 )) s"
else
  fatal "the Dockerfile's dotnet publish line" "$work/publish.log"
fi
app=$work/app
sesame=$app/sesame
if [ -x "$sesame" ] && [ -f "$app/Sesame.Host.dll" ] && [ -f "$app/appsettings.json" ]; then
  ok "the output holds the executable 'sesame' (the image's ENTRYPOINT and HEALTHCHECK, the unit's ExecStart)"
else
  fatal "the publish output has no executable 'sesame' beside Sesame.Host.dll and appsettings.json"
fi

# The published program runs in a clean environment, as in the image: only what is set here (DOTNET_ROOT finds the
# runtime where this machine's dotnet has it; the image has it at its default place).
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
mkdir -p "$work/home"
clean_env=(env -i "PATH=/usr/bin:/bin" "HOME=$work/home" "DOTNET_ROOT=$dotnet_root" DOTNET_CLI_TELEMETRY_OPTOUT=1)
json_env() { node -e 'for (const [k, v] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))) console.log(`${k}=${v}`)' "$1"; }

# ------------------------------------------------------------------------------------- 2. static checks of the files
master_key=$(head -c 32 /dev/urandom | base64)
mkdir -p "$work/env" "$work/state"
if SESAME_MASTER_KEY=$master_key POSTGRES_PASSWORD=publish-test-password \
    timeout 30 node test/conformance/deployment/deployment-files.mjs --env-out "$work/env" --state-root "$work/state" >"$work/files.txt" 2>&1; then
  :
fi
report "$work/files.txt" || not_ok "deployment-files.mjs ran: $(tail -5 "$work/files.txt" | tr '\n' ' ')"

if command -v systemd-analyze >/dev/null; then
  # The unit as installed, its program at the publish output (verify checks that ExecStart is executable).
  sed "s#/opt/sesame#$app#g" deploy/sesame.service >"$work/sesame.service"
  verify=$(timeout 30 systemd-analyze verify "$work/sesame.service" 2>&1)
  status=$?
  if [ "$status" -eq 0 ] && [ -z "$verify" ]; then
    ok "systemd-analyze verify deploy/sesame.service: no warning"
  else
    not_ok "systemd-analyze verify deploy/sesame.service (exit $status): $(tr '\n' ' ' <<<"${verify//$work/<tmp>}")"
  fi
  if exposure=$(timeout 30 systemd-analyze security --offline=true --threshold=20 "$work/sesame.service" 2>&1); then
    ok "systemd-analyze security: $(grep -o 'exposure level for [^:]*: [0-9.]* [A-Z]*' <<<"$exposure" | sed 's/.*: //') (2.0 or lower required)"
  else
    not_ok "systemd-analyze security: $(tail -1 <<<"$exposure") (2.0 or lower required)"
  fi
else
  echo "# skipped: systemd-analyze is not installed, deploy/sesame.service is not verified by systemd (the static checks above still ran)"
fi

if [ -s "$work/env/compose-node.json" ]; then
  # The node's environment as compose gives it. The store is host "postgres", which does not exist here: exit 5
  # (valid, unreachable) passes, exit 4 (an invalid or missing setting) does not.
  mapfile -t compose_env < <(json_env "$work/env/compose-node.json")
  "${clean_env[@]}" "${compose_env[@]}" "SESAME_DATA_DIR=$work/compose-data" timeout 60 "$sesame" config check >"$work/config-compose.txt" 2>&1
  status=$?
  if [ "$status" -eq 5 ] && grep -q '^Configuration: valid; storage: UNREACHABLE' "$work/config-compose.txt"; then
    ok "sesame config check of a compose node's environment: valid (PostgreSQL at host 'postgres' unreachable here, as expected)"
  else
    not_ok "sesame config check of a compose node's environment (exit $status, 5 expected): $(grep -i 'invalid\|error\|Configuration:' "$work/config-compose.txt" | head -5 | tr '\n' ' ')"
  fi
fi
if [ -s "$work/env/unit.json" ]; then
  # The unit's Environment= lines (%S = a temporary state root), then its EnvironmentFile as the example shows it, with
  # the one secret the example leaves for you to make.
  mapfile -t unit_env < <(json_env "$work/env/unit.json")
  mapfile -t example_env < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' deploy/sesame.env.example)
  mkdir -p "$work/state/sesame"
  chmod 0700 "$work/state/sesame"
  "${clean_env[@]}" "${unit_env[@]}" "${example_env[@]}" "Sesame__Secrets__MasterKey=$master_key" \
    timeout 60 "$sesame" config check >"$work/config-unit.txt" 2>&1
  status=$?
  if [ "$status" -eq 0 ]; then
    ok "sesame config check of the unit's environment with deploy/sesame.env.example: valid, store reachable"
  else
    not_ok "sesame config check of the unit's environment with deploy/sesame.env.example (exit $status): $(grep -i 'invalid\|error\|Configuration:' "$work/config-unit.txt" | head -5 | tr '\n' ' ')"
  fi
fi

# ------------------------------------------------------------------- 3. pool, client and a sign-in, as the container
port=$(free_port)
delivery_port=$(free_port)
public_origin=https://sesame.publish-test.invalid
delivery_secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
data=$work/data # not created: the server makes it (0700), as systemd's StateDirectory or a fresh volume gives one
# The Dockerfile's ENV, then what the operator adds (compose's environment, docker run -e): loopback instead of +:8080.
mapfile -t image_env < <(sed -n '/^FROM .* AS runtime/,$p' Dockerfile | sed ':a;/\\$/{N;s/\\\n//;ba}' | sed -n 's/^ENV //p' | tr -s ' ' '\n' | grep '=')
server_env=(
  "${clean_env[@]}" "${image_env[@]}"
  "Urls=http://127.0.0.1:$port"
  "SESAME_DATA_DIR=$data"
  "Sesame__PublicOrigin=$public_origin"
  "Sesame__Secrets__MasterKey=$master_key"
  Sesame__Delivery__Providers__gateway__Type=Http
  "Sesame__Delivery__Providers__gateway__Url=http://127.0.0.1:$delivery_port/"
  "Sesame__Delivery__Providers__gateway__SigningSecret=$delivery_secret"
  Sesame__Delivery__SmsProviders__0=gateway
  Sesame__Delivery__EmailProviders__0=gateway
)
grep -qx 'ASPNETCORE_ENVIRONMENT=Production' <(printf '%s\n' "${image_env[@]}") || fatal "the Dockerfile's runtime ENV sets ASPNETCORE_ENVIRONMENT=Production"

cd "$app" || fatal "cd into the publish output (the image's WORKDIR)"
if "${server_env[@]}" timeout 60 "$sesame" pools create PublishTest --username-attributes email -o json >"$work/pool.json" 2>"$work/pool.log" \
  && pool=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).UserPool.Id)' "$work/pool.json") \
  && "${server_env[@]}" timeout 60 "$sesame" clients create --pool "$pool" web -o json >"$work/client.json" 2>>"$work/pool.log" \
  && client=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).UserPoolClient.ClientId)' "$work/client.json"); then
  ok "sesame pools create and clients create (pool $pool)"
else
  fatal "sesame pools create / clients create of the published program" "$work/pool.log"
fi

t0=$(date +%s%3N)
"${server_env[@]}" "$sesame" serve >"$work/sesame.log" 2>&1 &
server_pid=$!
cd - >/dev/null || exit 1
ready=$(node -e '
  const [url, pid] = process.argv.slice(1);
  const deadline = Date.now() + 60_000;
  (async () => {
    for (;;) {
      try { process.kill(Number(pid), 0); } catch { console.log("exited"); return; }
      try { const r = await fetch(url, { signal: AbortSignal.timeout(2000) }); if (r.status === 200) { console.log("ready"); return; } } catch {}
      if (Date.now() > deadline) { console.log("timeout"); return; }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();' "http://127.0.0.1:$port/health/ready" "$server_pid")
if [ "$ready" = ready ]; then
  ok "sesame serve in Production: /health/ready 200 after $(( $(date +%s%3N) - t0 )) ms"
else
  fatal "sesame serve in Production answered /health/ready 200 within 60 s ($ready)" "$work/sesame.log"
fi

# The HEALTHCHECK command, in the server's environment (it reads Urls to find it).
if "${server_env[@]}" timeout 30 "$sesame" health >"$work/health.txt" 2>&1; then
  ok "sesame health (the HEALTHCHECK) exits 0: $(head -1 "$work/health.txt")"
else
  not_ok "sesame health (the HEALTHCHECK) exits 0 while the server serves: $(head -3 "$work/health.txt" | tr '\n' ' ')"
fi

if timeout 90 node test/conformance/deployment/published-signin.mjs --endpoint "http://127.0.0.1:$port" --public-origin "$public_origin" \
    --pool "$pool" --client "$client" --delivery-port "$delivery_port" --delivery-secret "$delivery_secret" >"$work/signin.txt" 2>&1; then
  signin_status=0
else
  signin_status=1
fi
report "$work/signin.txt"
if [ "$signin_status" -ne 0 ]; then
  grep -q '^not ok - ' "$work/signin.txt" || not_ok "published-signin.mjs ran (exit $signin_status): $(tail -5 "$work/signin.txt" | tr '\n' ' ')"
  echo "    server log (tail):"; tail -30 "$work/sesame.log" | sed 's/^/    /'
fi

# ------------------------------------------------------------------- 4. the data directory, a backup, then stopping
modes=$(cd "$data" 2>/dev/null && stat -c '%a %n' . * 2>/dev/null)
if [ -f "$data/sesame.db" ] && [ "$(sed -n 's/^\([0-7]*\) \.$/\1/p' <<<"$modes")" = 700 ] \
   && [ -z "$(grep -v '^700 \.$' <<<"$modes" | grep -v '^600 ')" ]; then
  ok "the data directory is 0700 and every file in it 0600 ($(grep -v ' \.$' <<<"$modes" | cut -d' ' -f2 | paste -sd' '))"
else
  not_ok "the data directory is 0700 and every file in it 0600: $(tr '\n' ',' <<<"$modes")"
fi

# An online backup of the running server's file (docs/deployment.md, "Backups"), read by the published program with the
# same master key: the user just signed up is there.
user=$(sed -n 's/^ok - SignUp .*(\(publish-[0-9a-f]*@example\.com\))$/\1/p' "$work/signin.txt")
if ! command -v sqlite3 >/dev/null; then
  echo "# skipped: sqlite3 is not installed, the online backup is not tried"
elif [ -z "$user" ]; then
  not_ok "an online backup (sqlite3 .backup) holds the user signed up: no user was signed up"
else
  mkdir -m 0700 "$work/backup"
  if timeout 30 sqlite3 "$data/sesame.db" ".backup '$work/backup/sesame.db'" 2>"$work/backup.log" \
    && "${server_env[@]}" "SESAME_DATA_DIR=$work/backup" timeout 60 "$sesame" users get --pool "$pool" "$user" -o json >"$work/backup-user.json" 2>>"$work/backup.log" \
    && grep -q "\"$user\"" "$work/backup-user.json"; then
    ok "an online backup (sqlite3 .backup while serving) read by 'sesame users get' with the same master key holds the new user"
  else
    not_ok "an online backup (sqlite3 .backup while serving) holds the new user: $(tail -3 "$work/backup.log" | tr '\n' ' ')"
  fi
fi

kill -TERM "$server_pid"
exit_status=timeout
for _ in $(seq 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then wait "$server_pid"; exit_status=$?; break; fi
  sleep 0.1
done
if [ "$exit_status" = 0 ]; then
  server_pid=
  ok "SIGTERM (docker stop, systemctl stop) stops the server with exit code 0"
else
  not_ok "SIGTERM stops the server with exit code 0 within 30 s (got: $exit_status)"
  tail -20 "$work/sesame.log" | sed 's/^/    /'
fi
if [ -z "$server_pid" ]; then
  "${server_env[@]}" timeout 30 "$sesame" health >"$work/health-stopped.txt" 2>&1
  status=$?
  if [ "$status" -eq 5 ]; then
    ok "sesame health exits 5 once the server is stopped"
  else
    not_ok "sesame health exits 5 once the server is stopped (got $status)"
  fi
fi
finish
