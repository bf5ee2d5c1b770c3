"""python -m bench.polling [--feeds 500] [--items 20] [--rounds 10] [--concurrency 4]
                          [--host-gap 0] [--hosts 20] [--new-items 100] [--db URL]
                          [--follow-ups] [--save] [--quick]

The always-on poller (storyline.worker.Worker, in this process) against a
loopback feed farm (farm.py, in a child process, so that this process's
getrusage is the poller's). The feeds are subscribed in a fresh SQLite file
(or the empty database --db names) and the worker polls them round after
round; the farm adds --new-items items before each round from the second.

A round starts by making every feed due at once (its next poll set to now),
the burst a short interval gives, and ends when every feed's poll job has
finished. The worker's own interval is 24 h, so rounds never overlap. With
--follow-ups the worker also summarizes and briefs (NER) what came in, and a
round ends when its queue is empty too; without it only polling, storing,
placing and the stories' quick briefs (all part of a poll job) are measured.

Measured: each round's wall time, the farm's answers (feeds 200 / 304, pages),
articles stored, failed items, CPU seconds of this process and CPU per stored
item, RSS after the round; the most requests any host had in flight at once
(the worker's limit is 1 per host); RSS growth from round 2 to the last.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.polling.farm import FarmPlan, FarmProcess
from storyline.config import FetchSettings
from storyline.storage import open_store
from storyline.worker import Worker, WorkerSettings
from storyline.worker.schedule import MAX_INTERVAL

PER_HOST_LIMIT = 1  # the Worker's fetcher: one request at a time per host
AIM_RSS_GROWTH = 0.10
RESULTS = Path(__file__).with_name("results.json")
PROGRESS_EVERY = 30.0  # seconds between progress lines within a round
STALL = 600.0  # seconds without a finished poll (or, with follow-ups, an empty queue) before giving up


def rss_mb() -> float:
    try:
        import psutil
    except ImportError:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")
    return psutil.Process().memory_info().rss / 2**20


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def farm_requests(stats: dict) -> Counter:
    total = Counter()
    for host in stats["hosts"].values():
        total.update(host["requests"])
    return total


def polls_finished(worker: Worker) -> int:
    jobs = worker.tally.jobs
    return jobs[("poll", "done")] + jobs[("poll", "failed")]


def queue_busy(store) -> bool:
    return any(states.get("queued", 0) + states.get("running", 0) for states in store.queue_depth().values())


class Stalled(RuntimeError):
    pass


def wait_for_polls(worker: Worker, store, number: int, target: int, start: float) -> None:
    last_seen, last_change, last_print = -1, time.monotonic(), time.monotonic()
    while (done := polls_finished(worker)) < target:
        now = time.monotonic()
        if done != last_seen:
            last_seen, last_change = done, now
        elif now - last_change > STALL:
            raise Stalled(f"round {number}: no poll finished for {STALL:.0f} s ({done}/{target})")
        if now - last_print >= PROGRESS_EVERY:
            print(f"  round {number}: {done}/{target} polls finished, {store.count_articles()} articles, "
                  f"{now - start:.0f} s", flush=True)
            last_print = now
        time.sleep(0.2)


def wait_for_empty_queue(worker: Worker, store, number: int) -> None:
    """Until the queue stays empty across two of the worker's ticks (a tick may queue more)."""
    idle_since, started = None, time.monotonic()
    while True:
        now = time.monotonic()
        if queue_busy(store):
            idle_since = None
            if now - started > STALL:
                raise Stalled(f"round {number}: follow-up jobs still queued after {STALL:.0f} s")
        elif idle_since is None:
            idle_since = now
        elif now - idle_since > 2 * worker.settings.tick + 0.5:
            return
        time.sleep(0.25)


def run_round(number: int, worker: Worker, store, farm: FarmProcess, feeds: int, follow_ups: bool) -> dict:
    tally = worker.tally
    before = {"cpu": cpu_seconds(), "articles": store.count_articles(), "requests": farm_requests(farm.stats()),
              "failed": tally.items["failed"], "poll_failures": tally.poll_failures}
    start = time.monotonic()
    added = 0
    if number == 1:
        worker.start()  # its first tick finds every new feed due
    else:
        added = farm.new_round()
        store.db.execute("UPDATE feeds SET next_poll = NULL")  # every feed due now
    wait_for_polls(worker, store, number, number * feeds, start)
    polled = time.monotonic() - start
    if follow_ups:
        wait_for_empty_queue(worker, store, number)
    wall = time.monotonic() - start
    cpu = cpu_seconds() - before["cpu"]
    requests = farm_requests(farm.stats()) - before["requests"]
    stored = store.count_articles() - before["articles"]
    return {
        "round": number, "wall_s": round(wall, 2), "polls_done_s": round(polled, 2),
        "farm_new_items": added,
        "feeds_200": requests["feed 200"], "feeds_304": requests["feed 304"], "pages": requests["page 200"],
        "other_answers": sum(n for key, n in requests.items() if key not in ("feed 200", "feed 304", "page 200")),
        "stored": stored, "failed_items": tally.items["failed"] - before["failed"],
        "poll_failures": tally.poll_failures - before["poll_failures"],
        "cpu_s": round(cpu, 2), "cpu_ms_per_item": round(1000 * cpu / stored, 2) if stored else None,
        "rss_mb": round(rss_mb(), 1),
        "load_avg_1min": round(os.getloadavg()[0], 2),  # other programs on the machine skew wall times
    }


def run(args: argparse.Namespace, db: str) -> dict:
    plan = FarmPlan(feeds=args.feeds, items=args.items, hosts=args.hosts, new_items=args.new_items)
    began = time.monotonic()
    with FarmProcess(plan) as farm:
        store = open_store(db)
        if store.feeds():
            sys.exit(f"{db} already has feeds: give an empty database")
        for url in farm.feed_urls:
            store.add_feed(url)
        settings = WorkerSettings(interval=MAX_INTERVAL, concurrency=args.concurrency, host_gap=args.host_gap,
                                  tick=0.5, summaries=args.follow_ups, full_briefs=args.follow_ups)
        fetch = FetchSettings(allowed_networks=("127.0.0.0/8",), only_hosts=frozenset(farm.hosts))
        print(f"bench.polling: {args.feeds} feeds x {args.items} items (even items full text, odd items "
              f"teasers with a page) on {len(farm.hosts)} loopback hosts; concurrency {args.concurrency}, "
              f"host gap {args.host_gap:g} s, {'PostgreSQL' if db.startswith('postgres') else 'SQLite'}, "
              f"follow-ups {'on' if args.follow_ups else 'off'}", flush=True)
        rounds = []
        worker = Worker(db, settings=settings, fetch=fetch, name="bench-polling")
        try:
            for number in range(1, args.rounds + 1):
                rounds.append(run_round(number, worker, store, farm, args.feeds, args.follow_ups))
                print_round(rounds[-1], header=number == 1)
        finally:
            worker.stop()
        stats = farm.stats()
        failures = [f"{f['source']}: {f['error']}" for f in store.failures()[:5]]
        store.close()
    return summarize(args, rounds, stats, failures, time.monotonic() - began)


def summarize(args, rounds: list[dict], stats: dict, failures: list[str], wall: float) -> dict:
    first, later = rounds[0], rounds[1:]
    most = max(host["most_in_flight"] for host in stats["hosts"].values())
    growth = (rounds[-1]["rss_mb"] / later[0]["rss_mb"] - 1) if len(later) >= 2 else None
    conditional = sum(r["feeds_200"] + r["feeds_304"] for r in later)
    changed_feeds = min(args.new_items, args.feeds)
    return {
        "settings": {k: v for k, v in vars(args).items() if k not in ("save", "db")},
        "database": "postgresql" if (args.db or "").startswith("postgres") else "sqlite",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rounds": rounds,
        "summary": {
            "round1_wall_s": first["wall_s"],
            "round1_items_per_s": round(first["stored"] / first["wall_s"], 1) if first["wall_s"] else None,
            "round1_stored": first["stored"], "round1_expected": args.feeds * args.items,
            "most_in_flight_per_host": most, "per_host_limit": PER_HOST_LIMIT, "hosts": len(stats["hosts"]),
            "round1_cpu_ms_per_item": first["cpu_ms_per_item"],
            "later_rounds_mean_wall_s": round(sum(r["wall_s"] for r in later) / len(later), 2) if later else None,
            "later_rounds_stored": sum(r["stored"] for r in later),
            "later_rounds_expected": args.new_items * len(later),
            "share_304": round(sum(r["feeds_304"] for r in later) / conditional, 3) if conditional else None,
            "share_304_expected": round(1 - changed_feeds / args.feeds, 3),
            "rss_growth": round(growth, 4) if growth is not None else None,
            "failed_items": sum(r["failed_items"] for r in rounds),
            "first_failures": failures,
            "farm_cpu_s": round(stats["cpu_seconds"], 1),
            "run_wall_s": round(wall, 1),
        },
    }


def print_round(r: dict, header: bool) -> None:
    if header:
        print(f"{'round':>5} {'wall s':>8} {'feeds 200/304':>14} {'pages':>6} {'stored':>7} {'failed':>6} "
              f"{'CPU s':>7} {'CPU ms/item':>11} {'RSS MB':>7}")
    per_item = f"{r['cpu_ms_per_item']:.1f}" if r["cpu_ms_per_item"] is not None else "-"
    print(f"{r['round']:>5} {r['wall_s']:>8.1f} {r['feeds_200']:>8}/{r['feeds_304']:<5} {r['pages']:>6} "
          f"{r['stored']:>7} {r['failed_items']:>6} {r['cpu_s']:>7.1f} {per_item:>11} {r['rss_mb']:>7.1f}",
          flush=True)


def print_summary(results: dict) -> None:
    s = results["summary"]
    growth = f"{100 * s['rss_growth']:+.1f}%" if s["rss_growth"] is not None else "-"
    share = f"{100 * s['share_304']:.0f}%" if s["share_304"] is not None else "-"
    rows = [
        ("round 1 wall time", f"{s['round1_wall_s']:.1f} s", "reported (no bar set)"),
        ("round 1 items stored / s", f"{s['round1_items_per_s']}", "reported"),
        ("items stored in round 1", f"{s['round1_stored']}", f"{s['round1_expected']}"),
        ("items stored in rounds 2+", f"{s['later_rounds_stored']}", f"{s['later_rounds_expected']}"),
        ("most requests in flight on one host", f"{s['most_in_flight_per_host']} ({s['hosts']} hosts)",
         f"<= {s['per_host_limit']}"),
        ("CPU per stored item, round 1", f"{s['round1_cpu_ms_per_item']} ms", "reported"),
        ("mean wall time, rounds 2+", f"{s['later_rounds_mean_wall_s'] or '-'} s", "reported"),
        ("conditional polls answered 304, rounds 2+", share, f"{100 * s['share_304_expected']:.0f}% (unchanged feeds)"),
        ("RSS growth, round 2 to last", growth, f"< {100 * AIM_RSS_GROWTH:.0f}%"),
        ("failed items", f"{s['failed_items']}", "0"),
    ]
    print()
    print(f"{'measure':<42} {'result':>18}   aim")
    for name, value, aim in rows:
        print(f"{name:<42} {value:>18}   {aim}")
    loads = [r["load_avg_1min"] for r in results["rounds"]]
    print(f"whole run {s['run_wall_s']:.0f} s; the farm's own CPU {s['farm_cpu_s']:.0f} s (another process); "
          f"1-min load average at round ends {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} CPUs")
    for failure in s["first_failures"]:
        print(f"  failure: {failure}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.polling", description=__doc__.split("\n\n")[1])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4, help="the worker's jobs at once")
    parser.add_argument("--host-gap", type=float, default=0.0, help="seconds between two requests to one host")
    parser.add_argument("--hosts", type=int, default=20, help="loopback hosts the feeds are spread over")
    parser.add_argument("--new-items", type=int, default=100, help="new items per round from round 2")
    parser.add_argument("--db", help="an empty postgresql:// database (default: SQLite in a temp folder)")
    parser.add_argument("--follow-ups", action="store_true", help="summaries and full briefs too")
    parser.add_argument("--save", action="store_true", help="write bench/polling/results.json")
    parser.add_argument("--quick", action="store_true", help="40 feeds x 10 items on 4 hosts, 3 rounds")
    if parser.parse_known_args(argv)[0].quick:  # a small run; options given explicitly still win
        parser.set_defaults(feeds=40, items=10, hosts=4, rounds=3, new_items=10)
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 200 or min(args.feeds, args.items, args.rounds) < 1 or args.new_items < 0:
        parser.error("--hosts must be 1 to 200; --feeds, --items and --rounds at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # A tick longer than the 0.5 s tick interval is only skipped; its warning is noise here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="storyline-polling-") as scratch:
        results = run(args, args.db or str(Path(scratch) / "polling.db"))
    print_summary(results)
    if args.save:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
