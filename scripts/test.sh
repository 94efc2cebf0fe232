#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (Chromium for the browser tests,
# PostgreSQL for the Postgres runs) with apt-get when missing, then runs dotnet test twice: every test on SQLite,
# then the integration tests (all but the pure engine and the browser tests) on a throwaway PostgreSQL cluster.
# RTS_TEST_POSTGRES=<admin connection string> uses an existing server instead of starting a cluster.
# The CalDAV client tests run against Debian's radicale and xandikos, started on 127.0.0.1 by
# scripts/caldav-servers.sh (RTS_TEST_RADICALE / RTS_TEST_XANDIKOS set beforehand use existing servers instead).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v radicale >/dev/null 2>&1 || missing+=(radicale)
command -v xandikos >/dev/null 2>&1 || missing+=(xandikos)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log=$(mktemp)
pgdir=""
caldavdir=""
cleanup() {
  if [ -n "$caldavdir" ]; then
    scripts/caldav-servers.sh stop "$caldavdir" || true
    rm -rf "$caldavdir"
  fi
  if [ -n "$pgdir" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
  rm -f "$log"
}
trap cleanup EXIT

# initdb and postgres refuse to run as root: as root, run them as the postgres user (the package creates it).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A throwaway cluster: a temp folder, 127.0.0.1 and a free port only, one password-protected superuser, no
# durability (fsync off: it is deleted afterwards). Sets RTS_TEST_POSTGRES.
start_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ "$(id -u)" -eq 0 ] && { id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home postgres; }
  pgdir=$(mktemp -d -t rts-pg-XXXXXX)
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
  echo "$password" > "$pgdir/pw"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$pgdir"
  as_pg "$pgbin/initdb" -D "$pgdir/data" -U rts_test --pwfile="$pgdir/pw" -A scram-sha-256 -E UTF8 --no-locale \
    >"$pgdir/initdb.log" 2>&1 || { cat "$pgdir/initdb.log"; return 1; }
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
    if as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      >/dev/null; then
      export RTS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=rts_test;Password=$password;Database=postgres"
      echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($pgdir)"
      return 0
    fi
  done
  cat "$pgdir/server.log"
  return 1
}

[ -n "${RTS_TEST_POSTGRES:-}" ] || start_postgres

if [ -z "${RTS_TEST_RADICALE:-}" ] && [ -z "${RTS_TEST_XANDIKOS:-}" ]; then
  caldavdir=$(mktemp -d -t rts-caldav-XXXXXX)
  caldavenv=$(scripts/caldav-servers.sh start "$caldavdir")
  eval "$caldavenv"
fi

set +e
dotnet test RtsApp.sln --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "=== Format check (the house style of .editorconfig)"
if ! dotnet format RtsApp.sln --verify-no-changes --no-restore >"$log.format" 2>&1; then
  grep -E "error|warning" "$log.format" | head -40
  echo "dotnet format found files out of style: run 'dotnet format RtsApp.sln' and commit"
  status=1
fi
rm -f "$log.format"
echo "=== The integration tests again, on PostgreSQL"
RTS_TEST_PROVIDER=Postgres dotnet test RtsApp.sln --no-build --logger "console;verbosity=minimal" \
  --filter "FullyQualifiedName!~RtsApp.Tests.Scheduling.&FullyQualifiedName!~RtsApp.Tests.E2E." "$@" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e

# One plain closing line that any CI reads: "N passed, N failed, N skipped" (summed over test projects and passes,
# from each run's "Passed!  - Failed: 0, Passed: 536, Skipped: 0, Total: 536" line).
count() { grep -oE "(Passed|Failed)! +- .*" "$log" | grep -oE "$1: +[0-9]+" | awk '{ n += $2 } END { print n + 0 }'; }
if grep -qE "(Passed|Failed)! +- " "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
