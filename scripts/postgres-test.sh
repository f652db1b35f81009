#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite.
#
#   scripts/postgres-test.sh start   -> prints "<url> <cluster-dir>" on stdout (one line)
#   scripts/postgres-test.sh stop DIR -> stops the cluster and deletes DIR
#
# Installs PostgreSQL from the Debian packages when it is absent (needs root), initialises a cluster
# in a fresh temporary directory (owned by the `postgres` user when run as root: initdb refuses to
# run as root), starts it on a free loopback port with its socket inside that directory, and
# creates the database `ortho_test`. Nothing outside the temporary directory is touched.
set -euo pipefail

log() { echo "postgres-test: $*" >&2; }

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_postgres() {
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL não está instalado e não sou root (instale: sudo apt-get install postgresql)"
    return 1
  fi
  log "instalando PostgreSQL dos pacotes Debian..."
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bindir dir port
  bindir="$(pg_bindir)" || { install_postgres && bindir="$(pg_bindir)"; } || exit 1
  dir="$(mktemp -d "${TMPDIR:-/tmp}/ortho-pg.XXXXXX")"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { log "o usuário postgres não existe"; exit 1; }
    chown postgres: "$dir"
  fi
  port="$(free_port)"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >&2
  # fsync off: a throw-away cluster; durability is not what the tests measure.
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" >/dev/null \
    || { log "falha ao iniciar; log:"; cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE ortho_test" >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port/ortho_test $dir"
}

stop() {
  local dir="${1:?cluster dir}" bindir
  case "$dir" in */ortho-pg.*) ;; *) log "recuso apagar $dir"; exit 2 ;; esac
  bindir="$(pg_bindir)" || exit 0
  [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-start}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "uso: $0 start | stop DIR" >&2; exit 2 ;;
esac
