"""python -m bench.ingest [--set scrapinghub,multinews] [--shared PATH] [--limit N] [--each] [--keep]

End-to-end ingest throughput: HTML pages written to a folder and added the way
`storyline --db FRESH.db add FOLDER` adds them (`Ingestor.add`: extracted,
stored, placed in a story, then the stories that gained articles briefed, all
into a fresh SQLite file under /tmp), beside plain `trafilatura.extract()` of
the same page bytes, in the same run. Both after a warm-up on three pages
(models and caches loaded). `--each` adds the pages one `add` at a time, so a
story is briefed again every time it gains an article (feeds that bring one
article per poll) instead of once per batch.

Stage shares come from timers put around the ingest path's own functions from
outside: extraction (`extract_document`), storage (`Ingestor._store` without
the placing), clustering (`place_article`), briefs (`refresh_briefs`); the
rest (reading files, duplicate checks of URLs, failure bookkeeping) is "other".
"""
from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import sqlite3
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from . import pages as page_sets

SETS = {"scrapinghub": page_sets.scrapinghub, "multinews": page_sets.multinews}
WARM_UP_PAGES = 3


class StageTimers:
    """Wall time spent inside some functions of the ingest path, measured by
    wrapping them for the duration of a `with` block."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[object, str, object]] = []

    def wrap(self, owner, attribute: str, stage: str) -> None:
        original = getattr(owner, attribute)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[stage] += time.perf_counter() - start
                self.calls[stage] += 1

        setattr(owner, attribute, timed)
        self._undo.append((owner, attribute, original))

    def __enter__(self) -> "StageTimers":
        import storyline.brief.stored
        import storyline.ingest

        self.wrap(storyline.ingest, "extract_document", "extraction")
        self.wrap(storyline.ingest.Ingestor, "_store", "storage")
        self.wrap(storyline.ingest, "place_article", "clustering")
        self.wrap(storyline.brief.stored, "refresh_briefs", "briefs")
        with contextlib.suppress(ImportError):
            import storyline.embed
            self.wrap(storyline.embed, "embed", "embeddings")
        return self

    def __exit__(self, *exc) -> None:
        for owner, attribute, original in reversed(self._undo):
            setattr(owner, attribute, original)
        self._undo.clear()


def write_pages(pages, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, body, _url in pages:
        path = folder / name
        path.write_bytes(body)
        paths.append(path)
    return paths


def ingest(folder: Path, paths: list[Path], db: Path, each: bool):
    """(report, seconds) of adding the folder to a fresh database, as the CLI does."""
    from storyline.ingest import Ingestor
    from storyline.model import IngestReport
    from storyline.storage import open_store

    store = open_store(str(db))
    try:
        with Ingestor(store) as ingestor:
            start = time.perf_counter()
            if each:
                report = IngestReport()
                for path in paths:
                    report.merge(ingestor.add([str(path)]))
            else:
                report = ingestor.add([str(folder)])
            return report, time.perf_counter() - start
    finally:
        store.close()


def placed(db: Path) -> tuple[int, int, int]:
    """(stories, articles in a story of two or more, articles in no story)."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        sizes = [n for (n,) in conn.execute(
            "SELECT COUNT(*) FROM articles WHERE story_id IS NOT NULL GROUP BY story_id")]
        unplaced = conn.execute("SELECT COUNT(*) FROM articles WHERE story_id IS NULL").fetchone()[0]
    return len(sizes), sum(n for n in sizes if n >= 2), unplaced


def trafilatura_only(pages) -> float:
    import trafilatura

    for _name, body, url in pages[:WARM_UP_PAGES]:
        trafilatura.extract(body, url=url)
    start = time.perf_counter()
    for _name, body, url in pages:
        trafilatura.extract(body, url=url)
    return time.perf_counter() - start


def run_set(name: str, pages, scratch: Path, each: bool) -> dict:
    warm = scratch / f"{name}-warm-up"
    warm_paths = write_pages(pages[:WARM_UP_PAGES], warm)
    ingest(warm, warm_paths, scratch / f"{name}-warm-up.db", each)
    folder = scratch / name
    paths = write_pages(pages, folder)
    db = scratch / f"{name}.db"
    with StageTimers() as timers:
        report, seconds = ingest(folder, paths, db, each)
    stories, in_multi, unplaced = placed(db)
    return {"name": name, "pages": len(pages), "report": report, "seconds": seconds,
            "stages": dict(timers.spent), "calls": dict(timers.calls), "stories": stories,
            "in_multi": in_multi, "unplaced": unplaced, "trafilatura": trafilatura_only(pages)}


def print_results(results: list[dict], each: bool) -> None:
    mode = "one add per page" if each else "one add of the folder"
    print(f"\ningest ({mode}; fresh SQLite file; after a {WARM_UP_PAGES}-page warm-up)")
    print(f"{'set':<12} {'pages':>5} {'added':>5} {'dup':>4} {'fail':>4} {'stories':>7} {'in 2+':>6} "
          f"{'ours art/s':>10} {'trafilatura art/s':>17} {'ours s':>7} {'traf s':>7}")
    for r in results:
        report = r["report"]
        print(f"{r['name']:<12} {r['pages']:5d} {report.added:5d} {report.duplicates:4d} {len(report.failed):4d} "
              f"{r['stories']:7d} {r['in_multi']:6d} {r['pages'] / r['seconds']:10.1f} "
              f"{r['pages'] / r['trafilatura']:17.1f} {r['seconds']:7.1f} {r['trafilatura']:7.1f}")
    print("(art/s: pages handed in per second of wall time; bar: ours ≥ 15)")
    print(f"\n{'share of our time':<18} {'extraction':>10} {'storage':>8} {'clustering':>10} {'briefs':>7} "
          f"{'other':>6}   embeddings (inside the others)")
    for r in results:
        s, total = r["stages"], r["seconds"]
        storage = s.get("storage", 0.0) - s.get("clustering", 0.0)
        other = total - s.get("extraction", 0.0) - s.get("storage", 0.0) - s.get("briefs", 0.0)
        shares = [s.get("extraction", 0.0), storage, s.get("clustering", 0.0), s.get("briefs", 0.0), other]
        embeddings = (f"{100 * s['embeddings'] / total:.0f}% in {r['calls']['embeddings']} calls"
                      if "embeddings" in s else "not called")
        print(f"{r['name']:<18} " + " ".join(f"{100 * v / total:>{w}.0f}%" for v, w in zip(shares, (9, 7, 9, 6, 5)))
              + f"   {embeddings}")
    for r in results:
        for failure in r["report"].failed[:5]:
            print(f"failed ({r['name']}): {failure.source}: {failure.error}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", default="scrapinghub,multinews", help="comma-separated: scrapinghub, multinews")
    p.add_argument("--shared")
    p.add_argument("--limit", type=int, help="ScrapingHub: the first N pages; Multi-News: the first N stories")
    p.add_argument("--each", action="store_true", help="one add per page instead of one add of the folder")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder (pages and databases)")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.set.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        p.error(f"unknown set(s): {', '.join(unknown)}")
    scratch = Path(tempfile.mkdtemp(prefix="storyline-bench-ingest-"))
    started = time.perf_counter()
    try:
        results = [run_set(name, SETS[name](args.shared, args.limit), scratch, args.each) for name in names]
    finally:
        if args.keep:
            print(f"scratch folder kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print_results(results, args.each)
    print(f"run: {time.perf_counter() - started:.0f} s; ru_maxrss "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
