"""python -m bench.web [--users 10] [--quick] [--save] [--db PATH] [--articles 100000] [--duration 20]
                       [--connections 8] [--warm-stories 1000] [--workers 1]

The web reader under load, without accounts and with readers, side by side.
Fills a SQLite file with generated articles in stories (bench/web/generate.py;
kept and reused when --db exists) and stores the briefs (without facts, as
`refresh_briefs` after a batch would) of a random sample of stories. Then two
working copies of that file, each with one feed per outlet (never due):

- "today": no accounts (local mode, as this benchmark measured before
  readers existed: requests from loopback act as the implicit local user);
- "N users": N accounts with a reading history each (bench/web/users.py: read,
  saved, folders, a hidden feed, mutes) and an API token; every request
  carries the next user's token (round-robin), so the per-user queries run.

Both servers (`storyline serve`) run at once and are loaded in turn from a
second process (bench/web/load.py: closed loop, C keep-alive connections), one
page kind at a time: front page, story pages (from the sample), article pages
(any of all articles), /unread, /saved, /api/unread, then the first three
mixed. Prints requests/s, latency percentiles, errors and each server's peak
RSS (all its processes), with the bar (p95 <= 50 ms) beside each row;
`--save` writes bench/web/results.json. `--users 0` measures "today" alone.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results.json"
BAR_MS = 50.0
TOP_STORIES = 200  # best-ranked stories whose briefs are stored before serving (four of the muted walk's chunks)


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


def cpu_tree(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    ticks = 0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


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


def warm_front(db: str, count: int) -> dict:
    """Store the briefs of the best-ranked stories too, as the worker does for
    the stories that just changed: the front page and a muted reader's walk
    down the ranking (50 stories at a time) find them made."""
    from storyline.web.reader import Reader

    reader = Reader(db)
    try:
        top = [x.id for x in reader.ranked(0, count)[0]]
    finally:
        reader.close()
    return warm_briefs(db, top)


def working_copy(base: str, path: Path) -> str:
    """A consistent copy of the SQLite file (its WAL included), so what a run
    writes (stories marked read, users) never reaches the reused archive."""
    source, target = sqlite3.connect(base), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return str(path)


class Server:
    """`storyline serve` on a free loopback port, its peak RSS sampled while it runs."""

    def __init__(self, db: str, workers: int, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "storyline", "--db", db, "serve", "--no-poll", "--port", str(self.port),
             "--workers", str(workers)], env=env, stderr=subprocess.DEVNULL)
        self.peak = 0

    def wait_ready(self, headers: dict) -> None:
        """Until the front page answers (which also computes and caches it)."""
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(urllib.request.Request(self.base + "/", headers=headers),
                                            timeout=30) as response:
                    response.read()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit(f"the server on {self.base} did not start")
                time.sleep(0.3)

    def get_json(self, path: str, headers: dict) -> dict:
        with urllib.request.urlopen(urllib.request.Request(self.base + path, headers=headers), timeout=30) as r:
            return json.loads(r.read())

    def sample(self) -> None:
        self.peak = max(self.peak, rss_tree(self.process.pid))

    def settle(self, idle_share: float = 0.05, limit: float = 60.0) -> float:
        """Wait until the server is idle (requests the load process gave up on
        are still computed after it stops): seconds waited."""
        started = time.monotonic()
        before = cpu_tree(self.process.pid)
        while time.monotonic() - started < limit:
            time.sleep(0.5)
            after = cpu_tree(self.process.pid)
            if after - before < idle_share * 0.5:
                break
            before = after
        return time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def load(server: Server, urls: list[str], args, env: dict, tmp: Path, tokens: Path | None) -> dict:
    """One page kind against one server, from a second process."""
    path = tmp / "urls.json"
    path.write_text(json.dumps(urls))
    command = [sys.executable, "-m", "bench.web.users" if tokens else "bench.web.load", server.base, str(path)]
    command += [str(tokens)] if tokens else []
    out = subprocess.run(command + ["--connections", str(args.connections), "--duration", str(args.duration)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def row_text(name: str, r: dict) -> str:
    def cell(key: str) -> str:
        value = r.get(key)
        return "-" if value is None or value != value else str(value)  # no requests: no percentiles
    met = r["requests"] and r["p95"] <= BAR_MS and not r["errors"]
    return (f"{name:<14}{cell('rps'):>8}{cell('p50'):>8}{cell('p95'):>8}{cell('p99'):>8}{cell('max'):>8}"
            f"{cell('errors'):>7}  {'met' if met else 'NOT met'}")


def print_table(args, results: dict, peaks: dict, wall: float) -> None:
    print()
    print(f"storyline serve --workers {args.workers}; load: {args.connections} keep-alive connections, "
          f"{args.duration:.0f} s per page kind and server (servers loaded in turn), from a second process "
          f"on loopback; {os.cpu_count()} cores; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"{'page':<14}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>7}  p95<=50ms")
    for kind in next(iter(results.values())):
        for phase, rows in results.items():
            print(row_text(kind if phase == "today" else f"  {phase}", rows[kind]))
    print()
    print("server peak RSS: " + ", ".join(f"{phase} {peak / 2**20:.0f} MB" for phase, peak in peaks.items()))
    print(f"wall time: {wall:.0f} s")


def prepare(args, phases: list[str], tmp: Path) -> tuple[dict[str, str], dict | None]:
    """The working copy of each phase ({phase: path}) and the readers' setup (None without users)."""
    from bench.web.users import add_readers, attach_feeds
    from storyline.storage import open_store

    dbs, setup = {}, None
    for phase in phases:
        started = time.monotonic()
        dbs[phase] = working_copy(args.db, tmp / f"{phase.replace(' ', '-')}.db")
        with open_store(dbs[phase]) as store:
            attach_feeds(store)
            if phase != "today":
                print(f"{phase}: accounts and reading state ...", flush=True)
                setup = add_readers(store, args.users)
                store.execute("ANALYZE")
        print(f"{phase}: working copy ready in {time.monotonic() - started:.0f} s", flush=True)
    return dbs, setup


def check_readers(server: Server, setup: dict, n_articles: int) -> dict:
    """Each token is read as its own user (its unread count is the archive less
    what that user read, less hidden feeds and muted outlets), and a request
    without one is refused: the server really has accounts."""
    try:
        server.get_json("/api/unread", {})
        raise SystemExit("the server with readers answered /api/unread without a token")
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise SystemExit(f"/api/unread without a token: {exc.code}, not 401") from None
    checks = {}
    for user in setup["users"]:
        got = server.get_json("/api/unread", {"Authorization": f"Bearer {user['token']}"})["total"]
        expected = n_articles - user["read"]
        hides = user["hidden_feeds"] or user["mutes"]["outlet"]
        if got > expected or (got != expected and not hides):
            raise SystemExit(f"{user['name']} sees {got} unread, not {expected}: the token is not read as that user")
        checks[user["name"]] = {"unread": got, "archive_less_read": expected}
    return checks


def measure(servers: dict[str, Server], kinds: dict[str, list[str]], args, env: dict, tmp: Path,
            tokens_file: Path) -> dict[str, dict[str, dict]]:
    """Each page kind on each server in turn: {phase: {kind: load result}}."""
    results: dict[str, dict[str, dict]] = {phase: {} for phase in servers}
    for kind, urls in kinds.items():
        for phase, server in servers.items():
            result = load(server, urls, args, env, tmp, tokens_file if phase != "today" else None)
            waited = server.settle()
            if waited > 2:
                result["settled_s"] = round(waited, 1)
            results[phase][kind] = result
            print(f"  {kind} [{phase}]: {result}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the generated archive (default: $TMPDIR/storyline-bench-web[-N].db)")
    parser.add_argument("--articles", type=int, default=None, help="default 100000 (10000 with --quick)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per page kind (default 20; --quick 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warm-stories", type=int, default=None, help="default 1000 (200 with --quick)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--users", type=int, default=10, help="readers with their own state (0: today's run alone)")
    parser.add_argument("--quick", action="store_true", help="10,000 articles, 5 s per page kind")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    args.articles = args.articles or (10_000 if args.quick else 100_000)
    args.duration = args.duration or (5.0 if args.quick else 20.0)
    args.warm_stories = args.warm_stories if args.warm_stories is not None else (200 if args.quick else 1000)
    suffix = "" if args.articles == 100_000 else f"-{args.articles}"
    args.db = args.db or str(Path(tempfile.gettempdir()) / f"storyline-bench-web{suffix}.db")
    wall_started = time.monotonic()

    from bench.web.generate import generate
    from storyline.storage import open_store
    from storyline.storage.derived import now

    if not Path(args.db).exists():
        print(f"generating {args.articles:,} articles into {args.db} ...", flush=True)
        print(json.dumps(generate(args.db, args.articles)), flush=True)
    with open_store(args.db) as store:
        n_articles = store.count_articles()
        story_ids = [r["id"] for r in store.rows("SELECT id FROM stories ORDER BY id")]
        article_ids = [r["id"] for r in store.rows("SELECT id FROM articles ORDER BY id")]
        if store.scalar("SELECT COUNT(*) FROM users WHERE password IS NOT NULL"):
            raise SystemExit(f"{args.db} has accounts; the archive must have none (give a new --db)")
    print(f"archive: {n_articles:,} articles in {len(story_ids):,} stories", flush=True)
    rng = random.Random(args.seed)
    sample = rng.sample(story_ids, min(args.warm_stories, len(story_ids)))
    started = time.monotonic()
    cold = warm_briefs(args.db, sample)
    front = warm_front(args.db, TOP_STORIES)
    print(f"stored the briefs of {cold['stories']} sampled stories and the {front['stories']} best-ranked "
          f"in {time.monotonic() - started:.0f} s (making one when not stored: median {cold['median_ms']} ms, "
          f"p95 {cold['p95_ms']} ms; 0 ms-ish when already stored)", flush=True)
    kinds = {
        "front page": ["/"],
        "story page": [f"/stories/{sid}" for sid in sample],
        "article page": [f"/articles/{aid}" for aid in rng.sample(article_ids, min(20000, len(article_ids)))],
        "unread": ["/unread"],
        "saved": ["/saved"],
        "api unread": ["/api/unread"],
    }
    kinds["mixed"] = kinds["front page"] * 200 + kinds["story page"][:2000] + kinds["article page"][:2000]

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_TOKEN", None)
    phases = ["today"] + ([f"{args.users} users"] if args.users else [])
    checks, opened = {}, {}
    with tempfile.TemporaryDirectory(prefix="storyline-bench-web-") as tmp_name:
        tmp = Path(tmp_name)
        dbs, setup = prepare(args, phases, tmp)
        tokens = [u["token"] for u in setup["users"]] if setup else []
        tokens_file = tmp / "tokens.json"
        tokens_file.write_text(json.dumps(tokens))
        servers = {phase: Server(dbs[phase], args.workers, env) for phase in phases}
        stop = threading.Event()

        def sample_memory() -> None:
            while not stop.is_set():
                for server in servers.values():
                    server.sample()
                time.sleep(0.25)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        try:
            for phase, server in servers.items():
                server.wait_ready({"Authorization": f"Bearer {tokens[0]}"} if phase != "today" else {})
            if setup:
                checks = check_readers(servers[phases[1]], setup, n_articles)
            load_started = now()
            sampler.start()
            results = measure(servers, kinds, args, env, tmp, tokens_file)
            for phase in phases:
                with open_store(dbs[phase]) as store:
                    opened[phase] = store.scalar("SELECT COUNT(*) FROM story_state WHERE read_at >= :since",
                                                 {"since": load_started})
        finally:
            stop.set()
            if sampler.is_alive():
                sampler.join()
            for server in servers.values():
                server.stop()
    wall = time.monotonic() - wall_started
    peaks = {phase: server.peak for phase, server in servers.items()}
    print_table(args, results, peaks, wall)
    print("stories first opened during the run (each a write: the story and its articles marked read): "
          + ", ".join(f"{phase} {n:,}" for phase, n in opened.items()))
    if args.save:
        RESULTS.write_text(json.dumps({
            "command": "python -m bench.web " + " ".join(sys.argv[1:]),
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "cores": os.cpu_count(), "load_average_end": round(os.getloadavg()[0], 2),
            "articles": n_articles, "stories": len(story_ids), "sampled_stories": len(sample),
            "connections": args.connections, "duration_s": args.duration, "workers": args.workers,
            "bar_p95_ms": BAR_MS, "briefs_when_not_stored": cold,
            "users": None if not setup else {
                "count": args.users, "setup_seconds": setup["seconds"], "feeds": setup["feeds"],
                "each": [{k: v for k, v in u.items() if k != "token"} for u in setup["users"]],
                "unread_check": checks},
            "stories_first_opened_during_run": opened,
            "results": results,
            "server_peak_rss_mb": {phase: round(peak / 2**20) for phase, peak in peaks.items()},
            "wall_s": round(wall),
        }, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
