#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a temporary directory, pg_ctl on a free loopback port,
# scram-sha-256 with a generated password, unix socket inside the directory. Nothing outside that directory changes,
# so several clusters (several worktrees, several runs) can live side by side.
#
#   dir=$(bash scripts/postgres.sh start)                       # prints the cluster's directory
#   bash scripts/postgres.sh start "$dir"                       # or: use this (empty) directory
#   export SESAME_TEST_POSTGRES="$(cat "$dir/connection-string")"
#   bash scripts/postgres.sh stop "$dir"                        # stops it and deletes the directory
#   bash scripts/postgres.sh halt "$dir"                        # stops the server only (pg_ctl stop -m fast), data kept
#   bash scripts/postgres.sh resume "$dir"                      # starts a halted cluster again, on the same port
#
# The server refuses to run as root, so as root (CI, containers) the cluster belongs to the 'postgres' OS user.
set -euo pipefail

usage() { echo "usage: $0 start [<dir>] | stop <dir> | halt <dir> | resume <dir>" >&2; exit 2; }

pg_bindir() {
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null || true)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: PostgreSQL's initdb is missing; install Debian's 'postgresql' package" >&2
      exit 2
    fi
    echo "== installing PostgreSQL (apt-get)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bindir=$(pg_config --bindir)
  fi
  echo "$bindir"
}

# Runs a command as the cluster's owner: 'postgres' when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Durability off: a test cluster is thrown away, and fsync on a shared 2-core machine only slows the tests.
pg_start() {
  as_owner "$1/pg_ctl" -D "$2/data" -l "$2/postgres.log" -w -t 30 \
    -o "-k $2 -p $3 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start > /dev/null
}

start() {
  local dir=${1:-} bindir password port
  bindir=$(pg_bindir)
  # A caller that names the directory can clean up even if it is interrupted before this prints anything.
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/sesame-pg.XXXXXX"); else mkdir -p "$dir"; fi
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  # Letters and digits only: the password goes into a connection string unquoted.
  password=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
  (umask 077 && printf '%s\n' "$password" > "$dir/pwfile")
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 \
    --locale=C.UTF-8 --no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  rm -f "$dir/pwfile"

  # A free port, chosen at random; another process may take it between the check and the start, so retry.
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if pg_start "$bindir" "$dir" "$port"; then
      (umask 077 && printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=postgres\n' \
        "$port" "$password" > "$dir/connection-string")
      echo "$dir"
      return 0
    fi
  done
  echo "error: PostgreSQL did not start; its log:" >&2
  cat "$dir/postgres.log" >&2 || true
  stop "$dir"
  exit 1
}

stop() {
  local dir=$1 bindir
  [ -d "$dir/data" ] || { rm -rf "$dir"; return 0; }
  bindir=$(pg_config --bindir)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 \
    || as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  rm -rf "$dir"
}

# A PostgreSQL restart under a running Sesame (test/Sesame.Tests/Storage/PostgresRestartTests.cs): the server stops,
# the directory and its connection string stay, and resume starts it on the same port.
halt() {
  as_owner "$(pg_config --bindir)/pg_ctl" -D "$1/data" -m fast -w -t 30 stop > /dev/null
}

resume() {
  local port
  port=$(sed -n 's/.*Port=\([0-9]*\);.*/\1/p' "$1/connection-string")
  pg_start "$(pg_config --bindir)" "$1" "$port" || { cat "$1/postgres.log" >&2; exit 1; }
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) [ -n "${2:-}" ] || usage; stop "$2" ;;
  halt) [ -n "${2:-}" ] || usage; halt "$2" ;;
  resume) [ -n "${2:-}" ] || usage; resume "$2" ;;
  *) usage ;;
esac
