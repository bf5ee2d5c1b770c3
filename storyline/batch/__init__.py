"""`storyline batch`: the pipeline as a batch job on Dask (dask.distributed),
for archives bigger than one machine holds. Stages, each resumable:

    extract   map over input partitions (inputs.py, articles.py)
    learn     exact duplicates and learned chrome over the whole input (learn.py)
    enrich    map over partitions: clean, summarize, entities, fingerprints (articles.py)
    copies    near-copies by an LSH banding join (copies.py)
    stories   blocking, clustering per block, merging (stories.py)
    briefs    map over story partitions (briefs.py)

Results are Parquet files in one folder (parts.py); `storyline load` puts them
in a database (load.py)."""
from __future__ import annotations

import importlib.util
import logging
import os
import time
from dataclasses import asdict, dataclass, field

from storyline.batch.parts import FORMAT, VERSION, Results


@dataclass
class BatchSettings:
    items_per_partition: int = 250
    max_bytes: int = 10 * 1024 * 1024  # one page or text file, as `storyline add` caps it
    entities: bool = True
    briefs: str = "full"  # "full" (facts and sentence vectors), "text" or "none"


@dataclass
class BatchReport:
    partitions: int = 0
    resumed: int = 0  # input partitions already done by an earlier run
    articles: int = 0
    duplicates: int = 0
    failed: int = 0
    copies: int = 0
    stories: int = 0
    briefs: int = 0
    seconds: dict = field(default_factory=dict)
    dashboard: str | None = None

    def as_json(self) -> dict:
        return asdict(self)


class BatchProgress:
    """What a batch reports as it goes; the CLI draws it, Python callers ignore it."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def dashboard(self, link: str | None) -> None:
        pass


class BatchError(ValueError):
    """The batch cannot start (bad results folder, no inputs)."""


def connect(scheduler: str | None = None, workers: int | None = None):
    """A client of the given Dask scheduler, or of a local cluster with one
    single-threaded worker process per core (the pipeline is CPU-bound Python)."""
    from distributed import Client, LocalCluster

    # Dask's shuffles log every start and end as a warning: noise on a user's terminal.
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    if scheduler:
        return Client(scheduler)
    dashboard = "127.0.0.1:0" if importlib.util.find_spec("bokeh") else None  # the dashboard needs bokeh
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=dashboard)
    return Client(cluster)


def run_batch(inputs: list[str], out: str, *, client, settings: BatchSettings | None = None,
              progress: BatchProgress | None = None) -> BatchReport:
    from storyline.batch import articles, copies, learn, stories
    from storyline.batch.inputs import plan

    settings = settings or BatchSettings()
    progress = progress or BatchProgress()
    results = Results(out)
    report = BatchReport(dashboard=_dashboard(client))
    progress.dashboard(report.dashboard)
    chunks = _plan(results, inputs, settings, plan)
    report.partitions = len(chunks)

    def timed(name: str, started: float) -> None:
        report.seconds[name] = round(time.monotonic() - started, 2)

    started = time.monotonic()
    todo = [c for c in chunks if not results.has("extracted", c.index)]
    report.resumed = len(chunks) - len(todo)
    _map(client, progress, "extract", articles.extract_part, [(out, c, settings.max_bytes) for c in todo])
    timed("extract", started)

    started = time.monotonic()
    progress.stage("duplicates and chrome")
    if not results.done("learn"):
        learn.find_duplicates(results)
        results.write_json("chrome.json", {k: sorted(v) for k, v in learn.learn_chrome(results).items()})
        results.mark_done("learn")
    chrome_of = {k: frozenset(v) for k, v in results.read_json("chrome.json").items()}
    timed("learn", started)

    started = time.monotonic()
    todo = [c.index for c in chunks if not results.has("articles", c.index)]
    chrome_future = client.scatter([chrome_of], broadcast=True)[0]
    _map(client, progress, "enrich", _enrich,
         [(out, i, chrome_future, settings.entities) for i in todo])
    timed("enrich", started)

    for name, stage in (("copies", lambda: copies.find_copies(results)),
                        ("stories", lambda: stories.find_stories(results, client)),
                        ("briefs", lambda: _briefs(results, settings))):
        started = time.monotonic()
        progress.stage(name)
        if not results.done(name):
            stage()
            results.mark_done(name)
        timed(name, started)

    _count(results, report)
    results.write_json("manifest.json", {"format": FORMAT, "version": VERSION, "inputs": list(inputs),
                                         "settings": asdict(settings), "report": report.as_json()})
    return report


def _enrich(out: str, index: int, chrome_of: dict, entities: bool) -> dict:
    from storyline.batch.articles import enrich_part
    from storyline.batch.learn import duplicates_in

    results = Results(out)
    return enrich_part(out, index, duplicates_in(results, index), chrome_of, entities=entities)


def _briefs(results: Results, settings: BatchSettings) -> None:
    from storyline.batch.briefs import make_briefs

    if settings.briefs != "none":
        make_briefs(results, facts=settings.briefs == "full", embed=settings.briefs == "full")


def _map(client, progress: BatchProgress, name: str, function, calls: list[tuple]) -> None:
    """Run `function` over every call's arguments on the cluster; a task's error is raised here."""
    from distributed import as_completed

    progress.stage(name, len(calls))
    for future in as_completed([client.submit(function, *args, pure=False) for args in calls]):
        future.result()
        progress.advance()


def _plan(results: Results, inputs: list[str], settings: BatchSettings, plan) -> list:
    from storyline.batch.inputs import Chunk

    known = results.read_json("plan.json")
    if known is not None:
        if known.get("inputs") != list(inputs) or known.get("items_per_partition") != settings.items_per_partition:
            raise BatchError(f"{results.folder} holds the results of another batch "
                             f"(inputs {known.get('inputs')}): give a new --out folder")
        return [Chunk(**dict(c, files=tuple(c["files"]))) for c in known["chunks"]]
    if results.folder.exists() and any(results.folder.iterdir()):
        raise BatchError(f"{results.folder} is not empty and holds no batch: give a new --out folder")
    chunks = plan(list(inputs), settings.items_per_partition)
    results.write_json("plan.json", {"format": FORMAT, "version": VERSION, "inputs": list(inputs),
                                     "items_per_partition": settings.items_per_partition,
                                     "chunks": [asdict(c) for c in chunks]})
    return chunks


def _count(results: Results, report: BatchReport) -> None:
    import pyarrow.parquet as pq

    def rows(stage: str) -> int:
        return sum(pq.ParquetFile(p).metadata.num_rows for p in results.parts(stage))

    report.articles = rows("articles")
    report.failed = rows("failures")
    report.copies = rows("copies")
    report.briefs = rows("briefs")
    dup = results.stage("duplicates")
    report.duplicates = sum(pq.ParquetFile(p).metadata.num_rows for p in dup.glob("*.parquet")) if dup.exists() else 0
    story_parts = results.parts("stories")
    report.stories = len({s for p in story_parts for s in pq.read_table(p, columns=["story"]).column(0).to_pylist()})


def _dashboard(client) -> str | None:
    try:
        return client.dashboard_link
    except Exception:  # no dashboard (bokeh missing, or the scheduler serves none)
        return None


__all__ = ["BatchError", "BatchProgress", "BatchReport", "BatchSettings", "connect", "run_batch"]
