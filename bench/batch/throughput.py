"""The whole batch on a fresh local cluster of N single-threaded workers, and
full briefs timed on a sample of a finished batch's stories."""
from __future__ import annotations

import random
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.batch.memory import MemorySampler
from storyline.batch import BatchProgress, BatchSettings, connect, run_batch
from storyline.batch.briefs import make_briefs
from storyline.batch.parts import Results

SHUFFLE_STAGES = ("learn", "copies", "stories", "briefs")  # the stages that read the whole input
MAP_STAGES = ("extract", "enrich")


class PrintedProgress(BatchProgress):
    """One line per stage, and one at each quarter of a map stage."""

    def __init__(self, label: str):
        self.label, self.started = label, time.monotonic()
        self.name, self.total, self.done = "", None, 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.name, self.total, self.done = name, total, 0
        count = f" ({total} partitions)" if total else ""
        print(f"  [{self.label}] {self._clock()} {name}{count}", flush=True)

    def advance(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if self.total and self.done < self.total and 4 * self.done // self.total > 4 * before // self.total:
            print(f"  [{self.label}] {self._clock()} {self.name} {self.done}/{self.total}", flush=True)

    def _clock(self) -> str:
        return f"{time.monotonic() - self.started:7.1f} s"


@contextmanager
def local_cluster(workers: int):
    """A client of a fresh LocalCluster (storyline.batch.connect), closed after."""
    started = time.monotonic()
    client = connect(workers=workers)
    client.startup_seconds = round(time.monotonic() - started, 2)
    try:
        yield client
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


def run_whole_batch(client, inputs: list[str], out: Path, settings: BatchSettings, items: int, label: str) -> dict:
    """run_batch on a fresh --out; `items` is how many articles the input holds."""
    with MemorySampler(client) as memory:
        started = time.monotonic()
        report = run_batch(inputs, str(out), client=client, settings=settings, progress=PrintedProgress(label))
        wall = time.monotonic() - started
    seconds = report.seconds
    return {
        "workers": len(client.scheduler_info()["workers"]),
        "items": items, "wall_s": round(wall, 1), "articles_per_s": round(items / wall, 2),
        "cluster_startup_s": client.startup_seconds,
        "stage_s": seconds,
        "map_s": round(sum(seconds.get(s, 0) for s in MAP_STAGES), 1),
        "shuffle_s": round(sum(seconds.get(s, 0) for s in SHUFFLE_STAGES), 1),
        "report": {k: v for k, v in report.as_json().items() if k not in ("seconds", "dashboard")},
        "memory": memory.figures(),
    }


def time_full_briefs(client, out: Path, scratch: Path, stories: int, seed: int) -> dict | None:
    """make_briefs over `stories` random stories of a finished batch (copied
    into a results folder of their own), text briefs then full briefs (facts
    and sentence vectors); a warm-up on 3 other stories loads the models first."""
    results = Results(out)
    every = sorted(set(results.read("stories", ["story"]).column("story").to_pylist()))
    chosen = random.Random(seed).sample(every, min(len(every), stories + 3))
    warm, sample = chosen[:3], chosen[3:]
    if not sample:
        return None
    _sample_folder(results, warm, scratch / "warm-up")
    articles = _sample_folder(results, sample, scratch / "sample")
    make_briefs(Results(scratch / "warm-up"), facts=True, embed=True)
    timed = {}
    with MemorySampler(client) as memory:
        for part, full in (("text", False), ("full", True)):
            started = time.monotonic()
            made = make_briefs(Results(scratch / "sample"), facts=full, embed=full)
            timed[part] = time.monotonic() - started
    return {"stories": len(sample), "articles": articles, "briefs_made": made,
            "text_s": round(timed["text"], 2), "full_s": round(timed["full"], 2),
            "text_ms_per_story": round(1000 * timed["text"] / len(sample), 1),
            "full_ms_per_story": round(1000 * timed["full"] / len(sample), 1),
            "full_s_per_article": round(timed["full"] / articles, 4),
            "extra_s_per_article": round((timed["full"] - timed["text"]) / articles, 4),
            "memory": memory.figures()}


def _sample_folder(results: Results, stories: list[int], folder: Path) -> int:
    """The articles, story rows and copy links of `stories`, as a results
    folder make_briefs reads; returns how many articles (copies included)."""
    story_rows = _where(results.read("stories"), "story", pa.array(stories, pa.int64()))
    members = story_rows.column("key").combine_chunks()
    copy_rows = _where(results.read("copies"), "original", members)
    keys = pa.concat_arrays([members, copy_rows.column("key").combine_chunks()])
    articles = pa.concat_tables([_where(pq.read_table(p), "key", keys) for p in results.parts("articles")])
    sample = Results(folder)
    sample.write("stories", 0, story_rows)
    sample.write("copies", 0, copy_rows)
    sample.write("articles", 0, articles)
    return articles.num_rows


def _where(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.filter(pc.is_in(table[column], value_set=values))
