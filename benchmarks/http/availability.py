#!/usr/bin/env python3
"""Seeds a running RtsApp with the engine benchmark's first workload (10 members x 300 events over 35 days,
all required, 30-minute slots) and times POST /v1/availability end to end over one keep-alive connection.

Usage: availability.py BASE_URL CLIENT_SECRET [REQUESTS] [EVENTS_PER_MEMBER]"""
import http.client, json, random, socket, statistics, sys, time, urllib.parse
from datetime import datetime, timedelta, timezone

base, secret = sys.argv[1], sys.argv[2]
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 50
per_member = int(sys.argv[4]) if len(sys.argv) > 4 else 300
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
conn.connect()
# Without TCP_NODELAY, Nagle's algorithm on this client socket holds back the request body behind the headers until the
# server's delayed ACK: tens of milliseconds per request that are the client's, not the server's.
conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

def call(method, path, body=None):
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    data = r.read()
    if r.status not in (200, 202):
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data) if data else None

fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
start = datetime(2027, 3, 1, tzinfo=timezone.utc)
rng = random.Random(42)
subs = []
for m in range(10):
    sub = call("POST", "/v1/accounts", {"name": f"Member {m}", "tzid": "Europe/London"})["account"]["sub"]
    cal = call("POST", "/v1/calendars", {"sub": sub, "name": "Work"})["calendar"]["calendar_id"]
    for e in range(per_member):
        s = start + timedelta(minutes=rng.randrange(0, 35 * 24 * 60 // 15) * 15)
        call("POST", f"/v1/calendars/{cal}/events", {"event_id": f"e{e}", "summary": "Busy", "tzid": "Europe/London",
              "start": fmt(s), "end": fmt(s + timedelta(minutes=rng.choice([15, 30, 45, 60])))})
    subs.append(sub)

query = {"participants": [{"members": [{"sub": s} for s in subs], "required": "all"}],
         "required_duration": {"minutes": 30}, "start_interval": {"minutes": 30}, "tzid": "Europe/London",
         "query_periods": [{"start": fmt(start), "end": fmt(start + timedelta(days=35))}],
         "response_format": "overlapping_slots"}
if len(sys.argv) > 5:
    with open(sys.argv[5], "w") as f:
        json.dump(query, f)
for _ in range(200):  # past tiered JIT promotion (30 calls + a background delay), as a server in service is
    call("POST", "/v1/availability", query)
times = []
for _ in range(requests):
    t0 = time.perf_counter()
    reply = call("POST", "/v1/availability", query)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"events={10 * per_member} slots={len(reply['available_slots'])} requests={requests} "
      f"median={statistics.median(times):.2f}ms p90={times[int(len(times) * 0.9) - 1]:.2f}ms min={times[0]:.2f}ms")
