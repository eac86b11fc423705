#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, in a folder of its own, on a free loopback port, trusting only
# 127.0.0.1. Used by ./test.sh and, when a test runs without it, by tests/WxHub.Testing/PostgresServer.
#
#   throwaway-postgres.sh start DIR [OWNER_PID]
#                                     starts a server in DIR (a new folder whose parent others may enter, e.g. under
#                                     /tmp) and prints its Npgsql connection string; with OWNER_PID, a watcher stops
#                                     and removes it once that process is gone, however it ended
#   throwaway-postgres.sh stop DIR    stops it and removes DIR
#   throwaway-postgres.sh pause DIR   stops the server (an outage) and keeps DIR
#   throwaway-postgres.sh resume DIR  starts it again on the same port
#   throwaway-postgres.sh installed   succeeds when PostgreSQL's server programs are found
#
# Exits 3 when PostgreSQL is not installed (./test.sh installs it from Debian's packages).
set -euo pipefail

find_bin() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$newest" && -x "$newest/initdb" && -x "$newest/pg_ctl" ]]; then
    echo "$newest"
    return
  fi
  return 1
}

# initdb and postgres refuse to run as root: as root, run them as the postgres user the Debian package creates.
as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local dir="$1" owner="${2:-}" bin
  if ! bin="$(find_bin)"; then
    echo "throwaway-postgres: PostgreSQL is not installed (no initdb/pg_ctl); ./test.sh installs it (apt-get install postgresql)." >&2
    exit 3
  fi
  mkdir -p "$dir/sock"
  chmod 700 "$dir"
  if [[ $EUID -eq 0 ]]; then chown -R postgres: "$dir"; fi
  # The server keeps fsync on; only initdb's own files skip it, being thrown away anyway.
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if run_server "$bin" "$dir" "$port"; then
      echo "$port" >"$dir/port"
      if [[ -n "$owner" ]]; then
        # Detached and off the caller's pipes, so whoever reads this script's output is not kept waiting.
        setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; "$2" stop "$3"' watcher "$owner" "$(readlink -f "$0")" "$dir" \
          </dev/null >/dev/null 2>&1 &
      fi
      echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      return
    fi
  done
  echo "throwaway-postgres: the server did not start; its log follows." >&2
  cat "$dir/server.log" >&2 || true
  exit 1
}

run_server() {
  as_owner "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 30 -s \
    -o "-c listen_addresses=127.0.0.1 -p $3 -k $2/sock -c max_connections=300" start >/dev/null
}

pause() {
  local bin
  bin="$(find_bin)"
  as_owner "$bin/pg_ctl" -D "$1/data" -m fast -w -s stop >/dev/null
}

resume() {
  local bin
  bin="$(find_bin)"
  run_server "$bin" "$1" "$(cat "$1/port")"
}

stop() {
  local dir="$1" bin
  if [[ -d "$dir/data" ]] && bin="$(find_bin)"; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?folder}" "${3:-}" ;;
  stop) stop "${2:?folder}" ;;
  pause) pause "${2:?folder}" ;;
  resume) resume "${2:?folder}" ;;
  installed) find_bin >/dev/null ;;
  *) echo "usage: $0 start DIR [OWNER_PID] | stop DIR | pause DIR | resume DIR | installed" >&2; exit 2 ;;
esac
