#!/usr/bin/env bash
# End-to-end HTTP measurement of POST /v1/availability: a Release build of RtsApp on a throwaway SQLite file,
# seeded through the API, then timed by availability.py. Usage: benchmarks/http/availability.sh [REQUESTS] [EVENTS_PER_MEMBER]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet build -c Release "$root/RtsApp" -v q -nologo >/dev/null
dll="$root/RtsApp/bin/Release/net10.0/RtsApp.dll"
settings=(--ConnectionStrings:Rts="Data Source=$tmp/rts.db" --Rts:RateLimit:PermitsPerSecond=0 --Rts:RateLimit:PermitsPerMinute=0
          --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information
          --Logging:Console:FormatterName=simple --Logging:Console:FormatterOptions:SingleLine=true)
secret=$(cd "$root/RtsApp" && dotnet "$dll" apps create --name bench "${settings[@]}" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
(cd "$root/RtsApp" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" "${settings[@]}") >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; cp "$tmp/server.log" /tmp/bench-server.log; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
python3 "$root/benchmarks/http/availability.py" "http://127.0.0.1:$port" "$secret" "${1:-50}" "${2:-300}" "$tmp/query.json"
# The same query timed by curl, over one reused connection.
urls=(); for _ in $(seq "${1:-50}"); do urls+=("http://127.0.0.1:$port/v1/availability"); done
curl -s -w "%{time_total}\n" -o /dev/null $(printf -- ' -o /dev/null %.0s' $(seq 2 "${1:-50}")) -H "Authorization: Bearer $secret" -H "Content-Type: application/json" \
  --data-binary @"$tmp/query.json" "${urls[@]}" | sort -n \
  | awk '{ t[NR] = $1 * 1000 } END { printf "curl median=%.2fms p90=%.2fms\n", t[int((NR + 1) / 2)], t[int(NR * 0.9)] }'
# The server's own view (Kestrel's "Request finished … in N ms"), last REQUESTS availability calls: excludes the client.
grep -E "Request finished HTTP/1.1 POST .*/v1/availability .* 200" "$tmp/server.log" | sed -E 's/.* ([0-9.]+)ms$/\1/' \
  | tail -n "${1:-50}" | sort -n | awk '{ t[NR] = $1 } END { printf "server-side median=%.2fms p90=%.2fms\n", t[int((NR + 1) / 2)], t[int(NR * 0.9)] }' 
