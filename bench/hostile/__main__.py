"""python -m bench.hostile [--fuzz-seconds 60] [--search-requests 100] [--only GROUP ...] [--root DIR]

Issue 10's catalogue of attacks, each run against the real `storyline` command
or a real `storyline serve` on 127.0.0.1, then the property-based fuzzers for a
fixed budget, then search p95 on a pathological article beside a normal one.
Prints per group: cases tried / crashed / hung / over-memory / wrong (the bad
item not recorded or the good one lost), every case's line, the peak memory of
any `add`, and the search figures. Bars: 0 crashed, 0 hung, peak `add` memory
<= 400 MB, search p95 ratio <= 5.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.hostile import catalogue, operator, web
from bench.hostile.run import MEMORY_BAR, Outcome

GROUPS = ("fetch", "ingest", "web", "cli", "fuzz", "search")


def run_catalogue(tmp: Path, groups: set[str]) -> list[Outcome]:
    server, dribble = catalogue.NewsServer(), catalogue.DribbleServer()
    ctx = catalogue.Context(server, dribble, tmp)
    chosen = [(g, n, f) for g, n, f in catalogue.CASES if g in groups]

    def one(entry) -> Outcome:
        group, name, func = entry
        try:
            outcome = func(ctx)
        except Exception as exc:  # a bench bug is reported as such, not as a Storyline crash
            return Outcome(name, group, "bench-error", f"{type(exc).__name__}: {exc}"[:300])
        outcome.case, outcome.group = name, group
        print(f"  {outcome.status:11} {group:6} {name} ({outcome.seconds:.1f} s)", file=sys.stderr, flush=True)
        return outcome
    try:
        with ThreadPoolExecutor(3) as pool:  # most cases wait on the network or a deadline
            return list(pool.map(one, chosen))
    finally:
        server.close()
        dribble.close()


def table(outcomes: list[Outcome]) -> None:
    print(f"\n{'group':8} {'tried':>5} {'crashed':>8} {'hung':>5} {'over-mem':>9} {'wrong':>6}")
    for group in GROUPS:
        rows = [o for o in outcomes if o.group == group]
        if not rows:
            continue
        def count(status: str) -> int:  # fuzz rows count examples, the others count cases
            return sum(o.extra.get(status, int(o.status == status)) for o in rows)
        tried = sum(o.extra.get("tried", 1) for o in rows)
        print(f"{group:8} {tried:>5} {count('crashed'):>8} {count('hung'):>5} {count('over-memory'):>9} "
              f"{count('wrong'):>6}")
    errors = [o for o in outcomes if o.status == "bench-error"]
    if errors:
        print(f"({len(errors)} cases could not be run by the bench itself)")
    print()
    for o in outcomes:
        mem = f"{o.peak_rss / 2**20:.0f} MB" if o.peak_rss else ""
        print(f"  {o.status:11} {o.group:6} {o.case[:52]:52} {o.seconds:6.1f} s {mem:>7}  {o.detail[:110]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.split("\n\n")[1])
    parser.add_argument("--fuzz-seconds", type=float, default=60.0)
    parser.add_argument("--search-requests", type=int, default=100)
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS))
    parser.add_argument("--root", type=Path, help="attack the storyline of another checkout "
                        "(e.g. `git worktree add /tmp/before d611156`); default: this one")
    args = parser.parse_args(argv)
    if args.root:
        from bench.hostile.run import TARGET
        TARGET["root"] = args.root.resolve()
    groups = set(args.only)
    started = time.monotonic()
    outcomes: list[Outcome] = []
    search = None
    with tempfile.TemporaryDirectory(prefix="storyline-hostile-") as name:
        tmp = Path(name)
        if groups & {"fetch", "ingest"}:
            print("catalogue: fetch and ingest", file=sys.stderr, flush=True)
            outcomes += run_catalogue(tmp, groups)
        search_db = None
        if groups & {"search", "web"}:
            from bench.hostile import search as search_bench
            search_db = str(tmp / "search.db")
            search_bench.build(search_db)
        if "web" in groups:
            print("catalogue: web", file=sys.stderr, flush=True)
            db = str(tmp / "web.db")
            web.hostile_db(db, tmp)
            outcomes += web.run_all(db, search_db)
        if "cli" in groups:
            print("catalogue: cli", file=sys.stderr, flush=True)
            outcomes += operator.run_all(tmp)
        if "fuzz" in groups:
            from bench.hostile import fuzz
            print(f"fuzzers: {args.fuzz_seconds:.0f} s", file=sys.stderr, flush=True)
            outcomes += fuzz.run_all(args.fuzz_seconds, tmp)
        if "search" in groups:
            print("search p95", file=sys.stderr, flush=True)
            search = search_bench.measure(search_db, args.search_requests)
    table(outcomes)
    adds = [o.peak_rss for o in outcomes if o.group in ("fetch", "ingest") and o.peak_rss]
    if adds:
        print(f"\npeak memory of any `add`/`fetch`: {max(adds) / 2**20:.0f} MB (bar {MEMORY_BAR / 2**20:.0f} MB)")
    if search:
        from bench.hostile.search import NORMAL, WORD
        print(f"\nsearch through `storyline serve` (2,000 generated articles + one with {WORD!r} 60,000 times), "
              f"{search[WORD]['n']} requests each, /api/search and /search alternated:")
        for word, label in ((WORD, "pathological"), (NORMAL, "normal")):
            print(f"  {label:13} q={word:8} p50 {search[word]['p50']:7.1f} ms   p95 {search[word]['p95']:7.1f} ms")
        print(f"  p95 ratio {search['ratio']:.2f} (bar <= 5); statuses {search['statuses']}; "
              f"server RSS {search['server_rss'] / 2**20:.0f} MB")
    print(f"\n{time.monotonic() - started:.0f} s in all")
    bad = [o for o in outcomes if o.status in ("crashed", "hung", "over-memory")]
    return 1 if bad or (search and search["ratio"] > 5) else 0


if __name__ == "__main__":
    sys.exit(main())
