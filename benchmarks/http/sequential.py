"""Sequential latency of one API call, client side: N requests one after the other on one keep-alive connection,
p50/p90 of the second half (the first half warms the JIT). Used to measure what one extra step per request costs,
e.g. the rate limits' database count on PostgreSQL (benchmarks/README.md, "Rate limits on PostgreSQL").

    python3 benchmarks/http/sequential.py PORT SECRET [N] [PATH]
"""
import http.client
import statistics
import sys
import time


def main():
    port, secret = int(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 6000
    path = sys.argv[4] if len(sys.argv) > 4 else "/v1/accounts"
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": "Bearer " + secret}
    times = []
    for _ in range(n):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status}")
    measured = sorted(times[n // 2:])
    print(f"GET {path}: p50 {statistics.median(measured):.3f} ms  p90 {measured[int(len(measured) * 0.9)]:.3f} ms  ({len(measured)} measured)")


if __name__ == "__main__":
    main()
