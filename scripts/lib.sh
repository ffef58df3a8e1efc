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

# jemalloc, the binary's allocator, is built from C source by its crate.
ensure_c_toolchain() {
  if command -v cc >/dev/null 2>&1 && command -v make >/dev/null 2>&1; then return; fi
  echo "error: a C compiler (cc) and make are needed to build jemalloc (Debian/Ubuntu: apt-get install build-essential; macOS: xcode-select --install)" >&2
  exit 2
}

# Redis: the tests and the demo start their own redis-server processes on free loopback ports
# (never the shared 6379), so they need the binaries, not a running server.
ensure_redis_binaries() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then return; fi
  echo "error: redis-server and redis-cli are needed (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)" >&2
  exit 2
}

# RediSearch, for the search-index tests: SEADIFF_REDISEARCH_SO if set, else the system's
# module, else Debian's package unpacked (not installed) under .seadiff/redisearch.
ensure_redisearch() {
  if [ -n "${SEADIFF_REDISEARCH_SO:-}" ] && [ -f "$SEADIFF_REDISEARCH_SO" ]; then return; fi
  local local_so
  local_so="$(pwd)/.seadiff/redisearch/usr/lib/redis/modules/redisearch.so"
  for so in "$local_so" /usr/lib/redis/modules/redisearch.so; do
    if [ -f "$so" ]; then export SEADIFF_REDISEARCH_SO=$so; return; fi
  done
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
    echo "fetching the RediSearch module (apt-get download redis-redisearch) into .seadiff/redisearch" >&2
    local dir
    dir="$(pwd)/.seadiff/redisearch"
    mkdir -p "$dir"
    (cd "$dir" && apt-get download redis-redisearch >/dev/null 2>&1 && dpkg -x redis-redisearch_*.deb .) || true
    if [ -f "$local_so" ]; then export SEADIFF_REDISEARCH_SO=$local_so; return; fi
  fi
  cat >&2 <<'MSG'
error: the RediSearch module is needed for the search-index tests and could not be fetched.
On Debian/Ubuntu: apt-get install redis-redisearch (or apt-get download redis-redisearch and
unpack it with dpkg -x), then set SEADIFF_REDISEARCH_SO=/path/to/redisearch.so
MSG
  exit 2
}

# Starts a private, non-persistent redis-server on a free loopback port for the demo and sets
# DEMO_REDIS_URL; it is shut down when the calling script exits.
start_private_redis() {
  ensure_redis_binaries
  local port dir
  for port in $(seq 56379 56399); do port_open 127.0.0.1 "$port" || break; done
  dir="$(pwd)/.seadiff/redis-demo"
  mkdir -p "$dir"
  # A config file, as production servers have, so CONFIG REWRITE can persist what apply sets.
  printf 'bind 127.0.0.1\nport %s\ndir %s\nsave ""\nappendonly no\npidfile %s/redis.pid\nlogfile %s/redis.log\ndaemonize yes\n' \
    "$port" "$dir" "$dir" "$dir" >"$dir/redis.conf"
  redis-server "$dir/redis.conf" >/dev/null
  for _ in $(seq 1 40); do port_open 127.0.0.1 "$port" && break; sleep 0.25; done
  port_open 127.0.0.1 "$port" || { echo "error: redis-server did not start; see $dir/redis.log" >&2; exit 2; }
  DEMO_REDIS_PORT=$port
  DEMO_REDIS_URL=redis://127.0.0.1:$port/0
  trap 'redis-cli -p "$DEMO_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true' EXIT
}

# Starts the Vespa config-server test double (tests/vespa-double; no real Vespa is needed) on a
# free loopback port and sets DEMO_VESPA_URL; it is stopped when the calling script exits.
start_vespa_double() {
  cargo build --quiet -p vespa-double
  local port dir
  for port in $(seq 19171 19199); do port_open 127.0.0.1 "$port" || break; done
  dir="$(pwd)/.seadiff/vespa-demo"
  mkdir -p "$dir"
  target/debug/vespa-double --port "$port" --convergence-lag 2 >"$dir/vespa-double.log" 2>&1 &
  DEMO_VESPA_PID=$!
  for _ in $(seq 1 40); do port_open 127.0.0.1 "$port" && break; sleep 0.25; done
  port_open 127.0.0.1 "$port" || { echo "error: vespa-double did not start; see $dir/vespa-double.log" >&2; exit 2; }
  DEMO_VESPA_URL=http://127.0.0.1:$port
  trap 'redis-cli -p "${DEMO_REDIS_PORT:-0}" shutdown nosave >/dev/null 2>&1 || true; kill "$DEMO_VESPA_PID" 2>/dev/null || true' EXIT
}
