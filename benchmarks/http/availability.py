#!/usr/bin/env python3
"""The client side of availability.sh (loopback only).

  availability.py seed BASE_URL CLIENT_SECRET EVENTS_PER_MEMBER QUERY_JSON
      Seeds a running RtsApp with the engine benchmark's first workload (10 members x N events over 35 days) and writes
      the query (all required, 30-minute slots on 30-minute starts, overlapping_slots) to QUERY_JSON.
      It also creates a real-time scheduling link over the same question and writes its page's path to QUERY_JSON.page,
      and the ten calendars' ids to QUERY_JSON.calendars.
  availability.py measure BASE_URL CLIENT_SECRET QUERY_JSON SERVER_LOG STARTED_AT REQUESTS
      Against a server started at STARTED_AT (Unix seconds) and not yet asked anything: the cold-start curve (the first
      100 queries, p50 per 10, and the p50 of every query sent within 2 s of the start), then batches of REQUESTS until the p50 of two consecutive batches differs by < 5 % and
      15 s have passed since the start (at most 40 batches), then one more batch as the steady state. Times are the server's own ("Request finished ... in
      N ms" in SERVER_LOG, which exclude the client) and the client's, over one keep-alive connection.
  availability.py summary MEASURE_LOG
      The medians over several cold starts measured into one log: within-2-s p50 / steady p50, and the steady p50 and p99.
  availability.py changed BASE_URL CLIENT_SECRET QUERY_JSON SERVER_LOG ROUNDS
      The query right after every member's calendar changed, so that none of their busy time can come from the cache and
      all of it is read again: rounds of an event upserted outside the question's window in each of the ten calendars, then
      the query, in batches of ROUNDS until they settle as the query does, then ROUNDS measured; p50/p90/p99, server side.
  availability.py page BASE_URL PAGE_PATH SERVER_LOG REQUESTS
      GETs the scheduling page in unmeasured batches of REQUESTS until it settles as the query does, then REQUESTS
      measured ones; p50/p90/p99 server and client side."""
import http.client, json, random, re, socket, sys, time, urllib.parse
from datetime import datetime, timedelta, timezone


def connect(base):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.connect()
    # Without TCP_NODELAY, Nagle's algorithm holds back the request body behind the headers until the server's delayed
    # ACK: tens of milliseconds per request that are the client's, not the server's.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def caller(conn, secret):
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

    def call(method, path, body=None):
        conn.request(method, path, body if isinstance(body, (bytes, type(None))) else json.dumps(body), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status not in (200, 202):
            raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
        return data
    return call


def fmt(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(base, secret, per_member, query_path):
    call = caller(connect(base), secret)
    post = lambda path, body: json.loads(call("POST", path, body))
    start = datetime(2027, 3, 1, tzinfo=timezone.utc)
    rng = random.Random(42)
    subs, cals = [], []
    for m in range(10):
        sub = post("/v1/accounts", {"name": f"Member {m}", "tzid": "Europe/London"})["account"]["sub"]
        cal = post("/v1/calendars", {"sub": sub, "name": "Work"})["calendar"]["calendar_id"]
        for e in range(per_member):
            s = start + timedelta(minutes=rng.randrange(0, 35 * 24 * 60 // 15) * 15)
            call("POST", f"/v1/calendars/{cal}/events", {"event_id": f"e{e}", "summary": "Busy", "tzid": "Europe/London",
                 "start": fmt(s), "end": fmt(s + timedelta(minutes=rng.choice([15, 30, 45, 60])))})
        subs.append(sub)
        cals.append(cal)
    query = {"participants": [{"members": [{"sub": s} for s in subs], "required": "all"}],
             "required_duration": {"minutes": 30}, "start_interval": {"minutes": 30}, "tzid": "Europe/London",
             "query_periods": [{"start": fmt(start), "end": fmt(start + timedelta(days=35))}],
             "response_format": "overlapping_slots"}
    with open(query_path, "w") as f:
        json.dump(query, f)
    link = post("/v1/real_time_scheduling", {
        "oauth": {"redirect_uri": "https://app.example/after"},
        "event": {"event_id": "bench", "summary": "Benchmark", "tzid": "Europe/London"},
        "availability": {k: v for k, v in query.items() if k != "response_format"},
        "target_calendars": [{"sub": subs[0], "calendar_id": cals[0]}],
        "tzid": "Europe/London"})
    with open(query_path + ".page", "w") as f:
        f.write(urllib.parse.urlparse(link["url"]).path)
    with open(query_path + ".calendars", "w") as f:
        json.dump(cals, f)


def changed(base, secret, query_path, log_path, rounds):
    call = caller(connect(base), secret)
    with open(query_path, "rb") as f:
        query = f.read()
    with open(query_path + ".calendars") as f:
        cals = json.load(f)
    outside = datetime(2029, 1, 1, tzinfo=timezone.utc)  # a year after the question's window
    done = 0

    def batch():
        nonlocal done
        for _ in range(rounds):
            start = outside + timedelta(minutes=15 * done)
            done += 1
            for cal in cals:
                call("POST", f"/v1/calendars/{cal}/events", {"event_id": "bench-change", "summary": "Changed",
                     "tzid": "Europe/London", "start": fmt(start), "end": fmt(start + timedelta(minutes=15))})
            call("POST", "/v1/availability", query)

    # Warmed as the other steps are: this path (the upserts, the database read) ran only once or twice before.
    batches = settle(batch, lambda: server_times(log_path)[-rounds:], time.time())
    batch()
    times = server_times(log_path)[-rounds:]
    print(f"after every calendar changed ({rounds} queries after {batches} warm-up batches, each reading all {len(cals)}"
          f" calendars' events again) server side p50={pct(times, 50):.2f}ms p90={pct(times, 90):.2f}ms p99={pct(times, 99):.2f}ms")


SETTLE_AFTER_S = 15
FINISHED = re.compile(r"Request finished HTTP/1\.1 POST \S*/v1/availability .* 200 .* ([0-9.]+)ms$")
PAGE_FINISHED = re.compile(r"Request finished HTTP/1\.1 GET \S*/rts/\S+ .* 200 .* ([0-9.]+)ms$")


def server_times(log_path, pattern=FINISHED):
    time.sleep(0.5)  # the console logger writes from its own queue
    with open(log_path) as f:
        return [float(m.group(1)) for m in map(pattern.search, f) if m]


def page(base, path, log_path, requests):
    conn = connect(base)

    def batch(n):
        client = []
        for _ in range(n):
            t0 = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or b"data-day" not in body:
                raise SystemExit(f"GET {path}: {r.status} {body[:300]!r}")
            client.append((time.perf_counter() - t0) * 1000)
        return client, body

    # Warmed as the availability query is, from its own first GET: the page's code tiers up only once it is asked for.
    batches = settle(lambda: batch(requests), lambda: server_times(log_path, PAGE_FINISHED)[-requests:], time.time())
    client, body = batch(requests)
    server = server_times(log_path, PAGE_FINISHED)[-requests:]
    print(f"page ({requests} GETs after {batches} warm-up batches of {requests}, {len(body)} bytes) server side"
          f" p50={pct(server, 50):.2f}ms p90={pct(server, 90):.2f}ms p99={pct(server, 99):.2f}ms"
          f" | client side p50={pct(client, 50):.2f}ms")


def settle(run_batch, last_batch_times, since):
    """Runs batches until the server-side p50 of two consecutive ones differs by < 5 % and SETTLE_AFTER_S have passed
    since `since` (at most 40 batches); the number run. Not before 15 s: R2R code runs for seconds at a plateau until
    tiered JIT replaces it, and two batches on that plateau look settled (one start in five stopped there and reported
    3 ms as its steady state)."""
    batches, previous = 0, None
    while batches < 40:
        run_batch()
        batches += 1
        current = pct(last_batch_times(), 50)
        if previous is not None and abs(current - previous) / previous < 0.05 and time.time() - since >= SETTLE_AFTER_S:
            break
        previous = current
    return batches


def pct(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s))) - 1))]


def measure(base, secret, query_path, log_path, started_at, requests):
    for _ in range(1500):  # bounded: 30 s
        try:
            conn = connect(base)
            conn.request("GET", "/healthz")
            if conn.getresponse().read() is not None:
                break
        except OSError:
            time.sleep(0.02)
    else:
        raise SystemExit("server did not start")
    ready = time.time() - started_at
    call = caller(conn, secret)
    with open(query_path, "rb") as f:
        query = f.read()

    def batch(n, until=0.0):
        sent, client = [], []
        while len(sent) < n or time.time() - started_at < until:
            t0 = time.perf_counter()
            sent.append(time.time() - started_at)
            call("POST", "/v1/availability", query)
            client.append((time.perf_counter() - t0) * 1000)
        return sent, client

    # The cold batch: at least 100 queries, and every query until 2 s after the start (all of them count below).
    cold_sent, cold_client = batch(100, until=2.0)
    batches = settle(lambda: batch(requests), lambda: server_times(log_path)[-requests:], started_at)
    _, steady_client = batch(requests)
    server = server_times(log_path)
    cold, steady = server[:len(cold_sent)], server[-requests:]
    p50 = pct(steady, 50)
    print(f"ready (healthz answered) {ready:.2f} s after start")
    print("cold start, first 100 queries (p50 per 10; server side, client side; seconds after start when sent):")
    for i in range(0, 100, 10):
        print(f"  {i + 1:3d}-{i + 10:3d}  server p50 {pct(cold[i:i + 10], 50):7.2f} ms ({pct(cold[i:i + 10], 50) / p50:4.1f}x steady)"
              f"  client p50 {pct(cold_client[i:i + 10], 50):7.2f} ms  sent {cold_sent[i]:5.2f}-{cold_sent[i + 9]:5.2f} s")
    within = [t for t, s in zip(cold, cold_sent) if s <= 2.0]
    ratio = pct(within, 50) / p50 if within else float("nan")
    if within:
        print(f"queries sent within 2 s of start: {len(within)}, server p50 {pct(within, 50):.2f} ms = {ratio:.2f}x steady")
    else:
        print("queries sent within 2 s of start: none (the server was not ready in time)")
    print(f"warm-up: {batches} batches of {requests} after the first {len(cold_sent)} (settled when consecutive p50s differ < 5 %)")
    print(f"steady state ({requests} queries) server side p50={p50:.2f}ms p90={pct(steady, 90):.2f}ms p99={pct(steady, 99):.2f}ms"
          f" | client side p50={pct(steady_client, 50):.2f}ms p90={pct(steady_client, 90):.2f}ms p99={pct(steady_client, 99):.2f}ms")
    print(f"run: within_2s={ratio:.4f} steady_p50={p50:.4f} steady_p99={pct(steady, 99):.4f}")


def summary(log_path):
    runs = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([0-9.]+|nan)", line))
            for line in open(log_path) if line.startswith("run: ")]

    def median(xs):
        xs = sorted(x for x in xs if x == x)  # without NaN: a start not ready within 2 s has no ratio
        if not xs:
            return float("nan")
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2

    ratios = [r["within_2s"] for r in runs]
    print(f"over {len(runs)} cold starts (medians): within 2 s {median(ratios):.2f}x steady"
          f" (each: {' '.join('n/a' if r != r else f'{r:.2f}' for r in ratios)}); steady p50 {median([r['steady_p50'] for r in runs]):.2f} ms,"
          f" p99 {median([r['steady_p99'] for r in runs]):.2f} ms")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "seed":
        seed(args[0], args[1], int(args[2]), args[3])
    elif mode == "summary":
        summary(args[0])
    elif mode == "changed":
        changed(args[0], args[1], args[2], args[3], int(args[4]))
    elif mode == "page":
        page(args[0], args[1], args[2], int(args[3]))
    elif mode == "measure":
        measure(args[0], args[1], args[2], args[3], float(args[4]), int(args[5]))
    else:
        raise SystemExit(__doc__)
