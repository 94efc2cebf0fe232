#!/usr/bin/env bash
# End-to-end HTTP measurement of POST /v1/availability on loopback: RtsApp over a throwaway SQLite file, seeded through
# the API, then restarted cold and timed by availability.py (cold-start curve, warm-up until the p50 settles, steady
# state p50/p90/p99 from the server's own log) and by wrk (throughput, 2 threads, 8 connections, 10 s), then the
# query right after all ten calendars changed (rounds of one event upserted outside the window in each, then the query,
# warmed until it settles, then REQUESTS rounds; p50/p90/p99), then the scheduling page of a link over the same question (warmed until it settles as the query
# does, then p50/p90/p99 of GETs).
#
#   benchmarks/http/availability.sh [REQUESTS_PER_BATCH] [EVENTS_PER_MEMBER] [COLD_STARTS]
#
# COLD_STARTS (default 1): how many times the server is started afresh and measured (cold curve, warm-up, steady state);
# with more than one, the medians over the starts are printed last. RTS_BENCH_COLD_ONLY=1 skips wrk and the page.
# RTS_APP: the app to run, an RtsApp.dll (run with dotnet) or a published executable; by default a Release build of
# RtsApp. Runtime settings come from the environment (e.g. DOTNET_TieredPGO=0, DOTNET_TC_QuickJitForLoops=0).
# Bounded: each step has a timeout; the server is stopped at exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
requests=${1:-200}
per_member=${2:-300}
cold_runs=${3:-1}
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo -n apt-get install -y -qq wrk >/dev/null; fi
fi
tmp=$(mktemp -d)
server=
stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=; fi; }
trap 'stop; cp "$tmp/server.log" /tmp/bench-server.log 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ -z "${RTS_APP:-}" ]; then
  timeout 600 dotnet build -c Release "$root/RtsApp" -v q -nologo >/dev/null
  RTS_APP="$root/RtsApp/bin/Release/net10.0/RtsApp.dll"
fi
app=("$RTS_APP"); [[ "$RTS_APP" == *.dll ]] && app=(dotnet "$RTS_APP")
settings=(--ConnectionStrings:Rts="Data Source=$tmp/rts.db" --Rts:RateLimit:PermitsPerSecond=0 --Rts:RateLimit:PermitsPerMinute=0
          --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information
          --Logging:Console:FormatterName=simple --Logging:Console:FormatterOptions:SingleLine=true)
cd "$(dirname "$RTS_APP")"
secret=$(timeout 120 "${app[@]}" apps create --name bench "${settings[@]}" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
start() {
  started=$(date +%s.%N)
  "${app[@]}" --urls "http://127.0.0.1:$port" "${settings[@]}" >"$tmp/server.log" 2>&1 &
  server=$!
}
wait_ready() { for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done; echo "server did not start" >&2; exit 1; }

# Seed, then restart so that the measurement begins with a process that has answered nothing.
start; wait_ready
timeout 900 python3 "$root/benchmarks/http/availability.py" seed "http://127.0.0.1:$port" "$secret" "$per_member" "$tmp/query.json"
stop
sleep 1
echo "events=$((10 * per_member)) app=$RTS_APP $(env | grep -E '^DOTNET_' | tr '\n' ' ')"
for run in $(seq "$cold_runs"); do
  if [ "$run" -gt 1 ]; then stop; sleep 1; echo "--- cold start $run of $cold_runs"; fi
  start
  timeout 600 python3 "$root/benchmarks/http/availability.py" measure "http://127.0.0.1:$port" "$secret" "$tmp/query.json" \
    "$tmp/server.log" "$started" "$requests" | tee -a "$tmp/measure.log"
done
if [ "$cold_runs" -gt 1 ]; then python3 "$root/benchmarks/http/availability.py" summary "$tmp/measure.log"; fi
[ "${RTS_BENCH_COLD_ONLY:-0}" = 1 ] && exit 0

# Throughput: the same query from 8 connections (wrk -t2 -c8 -d10s; the client shares the 2 cores with the server).
python3 - "$secret" "$tmp/query.json" >"$tmp/post.lua" <<'PY'
import json, sys
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print(f'wrk.headers["Authorization"] = {json.dumps("Bearer " + sys.argv[1])}')
print(f'wrk.body = {json.dumps(open(sys.argv[2]).read())}')
PY
timeout 60 wrk -t2 -c8 -d10s --latency -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/availability" \
  | grep -E "Requests/sec|Latency  |50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/wrk /'

# The query right after all ten calendars changed: every member's busy time read again (the busy-time cache cannot answer).
timeout 300 python3 "$root/benchmarks/http/availability.py" changed "http://127.0.0.1:$port" "$secret" "$tmp/query.json" \
  "$tmp/server.log" "$requests"

# The scheduling page of a link over the same question (the whole 35-day window: every offered time, a month view).
timeout 300 python3 "$root/benchmarks/http/availability.py" page "http://127.0.0.1:$port" "$(cat "$tmp/query.json.page")" \
  "$tmp/server.log" "$requests"
