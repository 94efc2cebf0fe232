#!/usr/bin/env bash
# Real CalDAV servers for the CalDAV client tests: Debian's radicale and xandikos, each on 127.0.0.1 and a free port,
# with everything (config, users, data) in DIR.
#   caldav-servers.sh start DIR   starts the servers whose binaries exist; prints `export RTS_TEST_…=…` lines on stdout
#                                 and one line per server started on stderr
#   caldav-servers.sh stop DIR    stops them (DIR is left for the caller to remove)
# Radicale: htpasswd user rts with a random password (plain encryption); rights as owner_only (each user reads and
# writes their own calendars) plus one calendar shared read-only, rts/holidays, so discovery sees both kinds.
# Xandikos: --defaults (a principal /user/ with calendars/calendar/), no authentication.
# Used by scripts/test.sh and, when the variables are not set, by the test fixture (CalDavServers.cs).
set -euo pipefail

command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
    echo "$port"
    return 0
  done
  return 1
}

# Waits (at most 20 s) until the process is listening; fails if it died.
wait_listening() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || { echo "exited early:" >&2; cat "$log" >&2; return 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "not listening on 127.0.0.1:$port after 20 s:" >&2; cat "$log" >&2
  return 1
}

start_radicale() {
  local root="$dir/radicale" port password
  mkdir -p "$root/collections/collection-root/rts/holidays"
  password=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
  printf 'rts:%s\n' "$password" > "$root/users"
  # A calendar rts may read but not write, as another user's shared calendar would be.
  printf '{"tag": "VCALENDAR", "D:displayname": "Holidays", "C:supported-calendar-component-set": "VEVENT"}\n' \
    > "$root/collections/collection-root/rts/holidays/.Radicale.props"
  cat > "$root/rights" <<'EOF'
# First match wins. Like owner_only, except rts/holidays is read-only.
[root]
user: .+
collection:
permissions: R
[principal]
user: .+
collection: {user}
permissions: RW
[shared-read-only]
user: .+
collection: {user}/holidays
permissions: r
[own-calendars]
user: .+
collection: {user}/[^/]+
permissions: rw
EOF
  port=$(free_port)
  cat > "$root/config" <<EOF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $root/users
htpasswd_encryption = plain
[rights]
type = from_file
file = $root/rights
[storage]
filesystem_folder = $root/collections
[logging]
level = warning
EOF
  setsid radicale --config "$root/config" >"$root/log" 2>&1 < /dev/null &
  echo $! > "$dir/radicale.pid"
  wait_listening "$!" "$port" "$root/log"
  echo "export RTS_TEST_RADICALE=http://127.0.0.1:$port/"
  echo "export RTS_TEST_RADICALE_USER=rts"
  echo "export RTS_TEST_RADICALE_PASSWORD=$password"
  echo "Radicale $(radicale --version 2>/dev/null) on 127.0.0.1:$port ($root)" >&2
}

start_xandikos() {
  local root="$dir/xandikos" port
  mkdir -p "$root"
  port=$(free_port)
  setsid xandikos --defaults -d "$root/data" -l 127.0.0.1 -p "$port" >"$root/log" 2>&1 < /dev/null &
  echo $! > "$dir/xandikos.pid"
  wait_listening "$!" "$port" "$root/log"
  echo "export RTS_TEST_XANDIKOS=http://127.0.0.1:$port/"
  echo "Xandikos $(dpkg-query -W -f='${Version}' xandikos 2>/dev/null || echo '') on 127.0.0.1:$port ($root)" >&2
}

case "$command" in
  start)
    mkdir -p "$dir"
    if command -v radicale >/dev/null 2>&1; then start_radicale; fi
    if command -v xandikos >/dev/null 2>&1; then start_xandikos; fi
    ;;
  stop)
    for name in radicale xandikos; do
      if [ -f "$dir/$name.pid" ]; then
        kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
        rm -f "$dir/$name.pid"
      fi
    done
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
