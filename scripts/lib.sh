# Shared by scripts/demo and scripts/test: find or start the local services.
# Source it; it defines functions only.

# Runs a command as an unprivileged user when we are root (Postgres refuses to run as root).
as_db_user() {
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  local user=postgres
  id "$user" >/dev/null 2>&1 || user=nobody
  if command -v runuser >/dev/null 2>&1; then runuser -u "$user" -- "$@"
  elif command -v setpriv >/dev/null 2>&1; then setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups "$@"
  else su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"; fi
}

port_open() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

pg_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# Sets PG_ADMIN_URL to a reachable server with a superuser and trust auth on loopback:
# SEADIFF_TEST_PG_URL if set; else 127.0.0.1:5432 (starting the system cluster if it is
# installed but stopped); else a private cluster under .seadiff/pg on port 54329.
ensure_postgres() {
  if [ -n "${SEADIFF_TEST_PG_URL:-}" ]; then PG_ADMIN_URL=$SEADIFF_TEST_PG_URL; return; fi
  PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
  if port_open 127.0.0.1 5432; then return; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "starting the system Postgres cluster" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    for _ in $(seq 1 30); do port_open 127.0.0.1 5432 && return; sleep 0.5; done
  fi
  local bindir
  bindir=$(pg_bindir) || true
  if [ -z "$bindir" ]; then
    cat >&2 <<'MSG'
error: no Postgres server is reachable on 127.0.0.1:5432 and no server binaries were found.
Install one (Debian/Ubuntu: apt-get install postgresql), or point SEADIFF_TEST_PG_URL at a
server where a superuser can connect, e.g. postgres://postgres@127.0.0.1:5432/postgres
MSG
    exit 2
  fi
  local dir port=54329
  dir="$(pwd)/.seadiff/pg"
  PG_ADMIN_URL=postgres://postgres@127.0.0.1:$port/postgres
  if port_open 127.0.0.1 $port; then return; fi
  echo "starting a private Postgres cluster in $dir (port $port)" >&2
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_db_user "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  as_db_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
}

# Redis: 127.0.0.1:6379, starting a non-persistent redis-server if it is installed.
ensure_redis() {
  if port_open 127.0.0.1 6379; then return; fi
  if command -v redis-server >/dev/null 2>&1; then
    echo "starting redis-server on 127.0.0.1:6379" >&2
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do port_open 127.0.0.1 6379 && return; sleep 0.25; done
  fi
  echo "error: Redis is not reachable on 127.0.0.1:6379; install redis-server (apt-get install redis-server)" >&2
  exit 2
}
