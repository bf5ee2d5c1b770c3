"""The benchmark's steps. Each takes the databases by name ({"sqlite": path,
"postgresql": url}) and returns figures by name.

The measured steps interleave the databases item by item (a batch, an add, a
query, a page on one, then on the other, the first one swapping each time),
so whatever else the machine is doing meanwhile weighs on both alike."""
from __future__ import annotations

import random
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

from bench.storage.timing import BriefTimedIngestor, DatabaseTime, percentile
from bench.web.generate import generate
from storyline.storage import open_store


def _turns(names: list[str], i: int) -> list[str]:
    return names if i % 2 == 0 else names[::-1]


def ingest(locations: dict[str, str], batches: list[Path], progress=print) -> dict[str, dict]:
    """Every batch file through `Ingestor.add`, one call a batch, as a fetch run would."""
    names = list(locations)
    seconds = dict.fromkeys(names, 0.0)
    added = dict.fromkeys(names, 0)
    failed = dict.fromkeys(names, 0)
    with ExitStack() as stack:
        stores = {n: stack.enter_context(open_store(locations[n])) for n in names}
        ingestors = {n: stack.enter_context(BriefTimedIngestor(stores[n])) for n in names}
        timers = {n: DatabaseTime(stores[n]) for n in names}
        for number, path in enumerate(batches, start=1):
            for name in _turns(names, number):
                with timers[name].measuring():
                    started = time.perf_counter()
                    report = ingestors[name].add([str(path)])
                    seconds[name] += time.perf_counter() - started
                added[name] += report.added
                failed[name] += len(report.failed)
            if progress and (number % 5 == 0 or number == len(batches)):
                progress("    " + ", ".join(f"{n}: {added[n]:,} added in {seconds[n]:.0f} s" for n in names))
        stories = {n: stores[n].count_stories() for n in names}
    return {n: {"added": added[n], "failed": failed[n], "stories": stories[n], "seconds": round(seconds[n], 1),
                "articles_per_s": round(added[n] / seconds[n], 1),
                "database_seconds": round(timers[n].seconds, 1),
                "database_share": round(timers[n].seconds / seconds[n], 3),
                "brief_refresh_seconds": round(ingestors[n].brief_seconds, 1)} for n in names}


def grow(locations: dict[str, str], total: int, progress=print) -> dict[str, dict]:
    """Generated articles written straight into the schema until each database
    holds `total` (one database after the other: a bulk load, not a measured step)."""
    grown = {}
    for name, location in locations.items():
        with open_store(location) as store:
            have = store.count_articles()
        if have >= total:
            grown[name] = {"articles": have, "generated": 0, "seconds": 0.0}
            continue
        if progress:
            progress(f"  {name}: generating {total - have:,} articles ...")
        # Seed 11 is the web benchmark's; its texts and hashes differ from the ingested corpus's.
        made = generate(location, total - have, seed=11, extend=True,
                        progress=(lambda line: progress("  " + line)) if progress else None)
        grown[name] = {"articles": have + made["articles"], "generated": made["articles"],
                       "seconds": made["seconds"]}
    return grown


def single_adds(locations: dict[str, str], probes: list[Path]) -> dict[str, dict]:
    """Each probe file added on its own by `Ingestor.add` (extraction, storing,
    near-copy check, clustering, then re-briefing the story): milliseconds per
    add without the brief refresh and in the database, over all adds; and in
    all, apart for adds that joined a story (its brief is remade from all its
    articles) and adds that started one."""
    names = list(locations)
    adds: dict[str, list[dict]] = {n: [] for n in names}
    problems: dict[str, list[str]] = {n: [] for n in names}
    with ExitStack() as stack:
        stores = {n: stack.enter_context(open_store(locations[n])) for n in names}
        ingestors = {n: stack.enter_context(BriefTimedIngestor(stores[n])) for n in names}
        timers = {n: DatabaseTime(stores[n]) for n in names}
        for i, path in enumerate(probes):
            for name in _turns(names, i):
                store, ingestor, timer = stores[name], ingestors[name], timers[name]
                stories = store.count_stories()
                before, briefing = timer.seconds, ingestor.brief_seconds
                with timer.measuring():
                    started = time.perf_counter()
                    report = ingestor.add([str(path)])
                    wall = (time.perf_counter() - started) * 1000
                adds[name].append({"ms": wall, "unbriefed_ms": wall - (ingestor.brief_seconds - briefing) * 1000,
                                   "database_ms": (timer.seconds - before) * 1000,
                                   "joined": store.count_stories() == stories})
                if report.added != 1 or report.failed:
                    problems[name].append(f"{path.name}: added {report.added}, {report.failed}")
    return {n: _add_figures(adds[n], problems[n]) for n in names}


def _add_figures(adds: list[dict], problems: list[str]) -> dict:
    joined = [a["ms"] for a in adds if a["joined"]]
    started_story = [a["ms"] for a in adds if not a["joined"]]
    return {"adds": len(adds), "joined": len(joined),
            "unbriefed_median_ms": _median([a["unbriefed_ms"] for a in adds]),
            "unbriefed_max_ms": round(max(a["unbriefed_ms"] for a in adds), 1),
            "database_median_ms": _median([a["database_ms"] for a in adds]),
            "joining_median_ms": _median(joined), "starting_median_ms": _median(started_story),
            "all_ms": [round(a["ms"], 1) for a in adds], "problems": problems}


def search(locations: dict[str, str], queries: list[str], warmup: int = 10) -> dict[str, dict]:
    """`search_page(q, limit=20, snippets=10)` for each query, after a few unmeasured."""
    names = list(locations)
    times: dict[str, list[float]] = {n: [] for n in names}
    empty = dict.fromkeys(names, 0)
    with ExitStack() as stack:
        stores = {n: stack.enter_context(open_store(locations[n])) for n in names}
        for query in queries[:warmup]:
            for name in names:
                stores[name].search_page(query, limit=20, snippets=10)
        for i, query in enumerate(queries):
            for name in _turns(names, i):
                started = time.perf_counter()
                rows = stores[name].search_page(query, limit=20, snippets=10)
                times[name].append((time.perf_counter() - started) * 1000)
                empty[name] += not rows
    return {n: {**_latencies(times[n]), "queries": len(times[n]), "empty": empty[n]} for n in names}


def story_pages(locations: dict[str, str], count: int, seed: int = 5) -> dict[str, dict]:
    """GET /stories/ID through the app (FastAPI's TestClient, in process) for
    `count` stories spread over the archive, each brief made and stored first
    (as the ingest's brief refresh leaves them), as the web benchmark does."""
    from fastapi.testclient import TestClient

    from storyline.brief.stored import story_brief
    from storyline.web.app import create_app

    names = list(locations)
    samples, briefing = {}, {}
    for name in names:
        with open_store(locations[name]) as store:
            story_ids = sorted(r["id"] for r in store.rows("SELECT id FROM stories"))
            # Positions, not ids: both databases get the same stories should their ids differ.
            positions = random.Random(seed).sample(range(len(story_ids)), min(count, len(story_ids)))
            samples[name] = [story_ids[p] for p in positions]
            started = time.perf_counter()
            for story_id in samples[name]:
                story_brief(store, story_id, facts=False)
            briefing[name] = time.perf_counter() - started
    times: dict[str, list[float]] = {n: [] for n in names}
    errors = dict.fromkeys(names, 0)
    with ExitStack() as stack:
        clients = {n: stack.enter_context(TestClient(create_app(locations[n]))) for n in names}
        for name in names:
            for story_id in samples[name][:5]:  # templates compiled, connections opened
                clients[name].get(f"/stories/{story_id}")
        for i in range(min(len(sample) for sample in samples.values())):
            for name in _turns(names, i):
                started = time.perf_counter()
                response = clients[name].get(f"/stories/{samples[name][i]}")
                times[name].append((time.perf_counter() - started) * 1000)
                errors[name] += response.status_code != 200
    return {n: {**_latencies(times[n]), "pages": len(times[n]), "errors": errors[n],
                "briefs_made_s": round(briefing[n], 1)} for n in names}


def _latencies(times: list[float]) -> dict:
    return {"p50_ms": _median(times), "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None
