"""python -m bench.web [--db PATH] [--articles 100000] [--duration 20] [--connections 8]
                       [--warm-stories 1000] [--workers 1]

The web reader under load. Fills a SQLite file with generated articles in
stories (bench/web/generate.py; kept and reused when --db exists), stores the
briefs (without facts, as `refresh_briefs` after a batch would) of a random
sample of stories, starts `storyline serve` on loopback, and loads it from a
second process (bench/web/load.py: closed loop, C keep-alive connections)
one page kind at a time: the front page, story pages (from the sample),
article pages (any of all articles), then all three mixed. Prints requests/s,
latency percentiles, errors, and the server's peak RSS (all its processes).
Also prints what making a story's brief costs when it is not stored yet.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def rss_tree(pid: int) -> int:
    """Resident memory (bytes) of a process and its children."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def warm_briefs(db: str, sample: list[int]) -> dict:
    from storyline.brief.stored import story_brief
    from storyline.storage import open_store

    times = []
    with open_store(db) as store:
        for sid in sample:
            started = time.perf_counter()
            story_brief(store, sid, facts=False)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"stories": len(times), "median_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1) if times else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "storyline-bench-web.db"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warm-stories", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    from bench.web.generate import generate
    from storyline.storage import open_store

    if not Path(args.db).exists():
        print(f"generating {args.articles:,} articles into {args.db} ...", flush=True)
        print(json.dumps(generate(args.db, args.articles)), flush=True)
    with open_store(args.db) as store:
        n_articles = store.count_articles()
        story_ids = [r["id"] for r in store.rows("SELECT id FROM stories ORDER BY id")]
        article_ids = [r["id"] for r in store.rows("SELECT id FROM articles ORDER BY id")]
    print(f"archive: {n_articles:,} articles in {len(story_ids):,} stories", flush=True)
    rng = random.Random(args.seed)
    sample = rng.sample(story_ids, min(args.warm_stories, len(story_ids)))
    started = time.monotonic()
    cold = warm_briefs(args.db, sample)
    print(f"stored the briefs of {cold['stories']} sampled stories in {time.monotonic() - started:.0f} s "
          f"(making one when not stored: median {cold['median_ms']} ms, p95 {cold['p95_ms']} ms; "
          f"0 ms-ish when already stored)", flush=True)

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "storyline", "--db", args.db, "serve", "--port", str(port),
                               "--workers", str(args.workers)], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=30).read()  # also computes the front page
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)
        kinds = {
            "front page": ["/"],
            "story page": [f"/stories/{sid}" for sid in sample],
            "article page": [f"/articles/{aid}" for aid in rng.sample(article_ids, min(20000, len(article_ids)))],
        }
        kinds["mixed"] = kinds["front page"] * 200 + kinds["story page"][:2000] + kinds["article page"][:2000]
        peak = [rss_tree(server.pid)]
        stop = threading.Event()

        def sample_memory() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_tree(server.pid))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for name, urls in kinds.items():
                path = Path(tmp) / "urls.json"
                path.write_text(json.dumps(urls))
                out = subprocess.run([sys.executable, "-m", "bench.web.load", base, str(path),
                                      "--connections", str(args.connections), "--duration", str(args.duration)],
                                     capture_output=True, text=True, env=env, check=True)
                result = json.loads(out.stdout)
                rows.append((name, result))
                print(f"  {name}: {result}", flush=True)
        stop.set()
        sampler.join()
        peak_mb = peak[0] / 2**20
    finally:
        server.terminate()
        server.wait(timeout=20)

    print()
    print(f"storyline serve --workers {args.workers}; load: {args.connections} keep-alive connections, "
          f"{args.duration:.0f} s per page kind, from a second process on loopback; {os.cpu_count()} cores")
    print(f"{'page':<14}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>8}")
    for name, r in rows:
        print(f"{name:<14}{r['rps']:>8}{r['p50']:>8}{r['p95']:>8}{r['p99']:>8}{r['max']:>8}{r['errors']:>8}")
    print(f"server peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
