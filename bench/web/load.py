"""A bounded HTTP load generator (stdlib only), run as its own process:

    python -m bench.web.load BASE_URL URLS.json --connections 8 --duration 20 [--warmup 2]

C threads, each with one keep-alive connection, request URLs picked at random
from the list back to back (closed loop) until the time is up. Prints JSON:
requests, errors, req/s and latency percentiles (ms) of the measured part."""
from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from urllib.parse import urlsplit


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


def run(base: str, urls: list[str], connections: int, duration: float, warmup: float, seed: int = 1) -> dict:
    parts = urlsplit(base)
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + duration
    results: list[list[tuple[float, int]]] = [[] for _ in range(connections)]

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        out = results[n]
        while True:
            began = time.perf_counter()
            if began >= stop:
                break
            try:
                conn.request("GET", rng.choice(urls), headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                status = 0
            ended = time.perf_counter()
            if began >= measure_from and ended <= stop + 30:
                out.append((ended - began, status))
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples = [s for r in results for s in r]
    latencies = sorted(s[0] * 1000 for s in samples)
    errors = sum(1 for _, status in samples if status != 200)
    return {"requests": len(samples), "errors": errors, "rps": round(len(samples) / duration, 1),
            "p50": round(percentile(latencies, 0.50), 1), "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1), "max": round(latencies[-1], 1) if latencies else None,
            "connections": connections, "duration": duration}


def arguments() -> argparse.ArgumentParser:
    """The load generator's command line (bench/web/users.py adds the tokens)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("urls", help="a JSON file with a list of paths")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    return parser


def run_from(args: argparse.Namespace) -> None:
    with open(args.urls) as f:
        urls = json.load(f)
    print(json.dumps(run(args.base, urls, args.connections, args.duration, args.warmup)))


def main() -> None:
    run_from(arguments().parse_args())


if __name__ == "__main__":
    main()
