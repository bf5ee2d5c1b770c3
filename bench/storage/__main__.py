"""python -m bench.storage [--articles 10000] [--big 100000] [--batch 500] [--probes 10]
                          [--queries 200] [--pages 200] [--quick] [--save]

Storyline's storage on SQLite and on PostgreSQL, side by side from one run
(see bench/storage/__init__.py for what each step measures)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.storage import phases
from bench.storage.corpus import Corpus, probes, search_queries, write_batches
from bench.storage.report import table
from storyline.storage import open_store
from storyline.storage.database import dispose_engines
from storyline.storage.throwaway import PostgresUnavailable, ThrowawayPostgres

RESULTS = Path(__file__).with_name("results.json")
QUICK = {"articles": 300, "big": 3000, "batch": 100, "probes": 4, "queries": 40, "pages": 20}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.storage", description=" ".join(__doc__.splitlines()[3:]))
    parser.add_argument("--articles", type=int, default=10_000, help="articles ingested through the pipeline")
    parser.add_argument("--big", type=int, default=100_000, help="articles in the archive for the other steps")
    parser.add_argument("--batch", type=int, default=500, help="articles per Ingestor.add call while ingesting")
    parser.add_argument("--probes", type=int, default=10, help="single articles added one at a time")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pages", type=int, default=200, help="story pages requested")
    parser.add_argument("--quick", action="store_true", help=f"a small smoke run: {QUICK}")
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS}")
    args = parser.parse_args(argv)
    if args.quick:
        vars(args).update(QUICK)
    for name in ("articles", "big", "batch", "probes", "queries", "pages"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def machine(postgres_url: str) -> dict:
    with open_store(postgres_url) as store:
        server = store.scalar("SHOW server_version")
    return {"cores": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql": server}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def warm_up(folder: Path, queries: list[str]) -> None:
    """Each step once on a scratch SQLite file, unmeasured: models, modules and
    templates load on first use, and the first database measured would pay for them."""
    scratch = {"warm-up": str(folder / "warm-up.db")}
    batches = write_batches(Corpus(40, seed=99).records(), folder / "warm-up", 20)
    phases.ingest(scratch, batches, progress=None)
    phases.search(scratch, queries[:5], warmup=0)
    phases.story_pages(scratch, 3)


def run(locations: dict[str, str], batches: list[Path], probe_files: list[Path], queries: list[str],
        args: argparse.Namespace) -> dict[str, dict]:
    steps = {}
    print(f"ingesting {args.articles:,} articles in batches of {args.batch}, the databases taking turns ...",
          flush=True)
    steps["ingest"] = phases.ingest(locations, batches)
    _show("ingest", steps["ingest"])
    print(f"loading to {args.big:,} articles ...", flush=True)
    steps["grow"] = phases.grow(locations, args.big)
    _show("load", steps["grow"])
    steps["add"] = phases.single_adds(locations, probe_files)
    _show("add one", steps["add"])
    steps["search"] = phases.search(locations, queries)
    _show("search", steps["search"])
    steps["story_pages"] = phases.story_pages(locations, args.pages)
    _show("story pages", steps["story_pages"])
    return {name: {step: figures[name] for step, figures in steps.items()} for name in locations}


def _show(step: str, figures: dict[str, dict]) -> None:
    for name, values in figures.items():
        print(f"  {step}, {name}: {values}", flush=True)


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="storyline-bench-storage-") as tmp, ThrowawayPostgres() as pg:
        try:
            corpus = Corpus(args.articles)
            batches = write_batches(corpus.records(), Path(tmp) / "batches", args.batch)
            probe_files = probes(corpus, args.probes, Path(tmp) / "probes")
            queries = search_queries(corpus, args.queries)
            print("warming up (models, modules, templates) ...", flush=True)
            warm_up(Path(tmp), queries)
            locations = {"sqlite": str(Path(tmp) / "news.db"), "postgresql": pg.create_database("news")}
            results = {"machine": machine(locations["postgresql"]),
                       "sizes": {k: getattr(args, k) for k in ("articles", "big", "batch", "probes", "queries",
                                                               "pages")}}
            results.update(run(locations, batches, probe_files, queries, args))
        finally:
            dispose_engines()  # the pooled connections, before the server goes
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = time.monotonic()
    try:
        results = measure(args)
    except PostgresUnavailable as exc:
        raise SystemExit(f"bench.storage: {exc}") from None
    results["wall_s"] = round(time.monotonic() - started, 1)
    m = results["machine"]
    print()
    print(f"machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, SQLite {m['sqlite']}, "
          f"PostgreSQL {m['postgresql']} (throwaway server: fsync and synchronous_commit off)")
    print(table(results))
    print(f"wall time {results['wall_s'] / 60:.1f} min")
    if args.save:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
