"""The batch beside the single-machine pipeline on the same input: a corpus of
its own, the parts `storyline add` reads (the JSONL file and the folder of
HTML and text files), put through the real commands (`storyline --db X add`,
then `recluster`) and through the batch; then storyline.batch.agreement's
comparison (summaries, B-cubed of stories), and each side's stories scored
against the corpus's gold stories."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from bench.batch.memory import MB
from bench.batch.throughput import run_whole_batch
from storyline.batch import BatchSettings
from storyline.batch.agreement import batch_labels, compare
from storyline.batch.parts import Results
from storyline.cluster.bcubed import bcubed
from storyline.storage import open_store
from tests.batch_corpus import build


def measure(client, folder: Path, articles: int, seed: int, settings: BatchSettings) -> dict:
    corpus = build(folder / "corpus", articles=articles, seed=seed)
    blanked = _without_fetching(corpus.jsonl)
    inputs = [str(corpus.jsonl), str(corpus.pages)]
    gold = {a.key: a.story for a in corpus.articles if a.form != "warc"}
    print(f"agreement: {len(gold):,} articles (JSONL and files) through `storyline add` ...", flush=True)
    db, after_add = folder / "single.db", folder / "after-add.db"
    add = _storyline(db, "add", *inputs, "--json")
    add["items"], add["articles_per_s"] = len(gold), round(len(gold) / add["wall_s"], 2)
    add["report"] = {k: (len(v) if k == "failed" else v) for k, v in json.loads(add.pop("stdout")).items()}
    _snapshot(db, after_add)
    print("agreement: `storyline recluster` ...", flush=True)
    recluster = _storyline(db, "recluster")
    recluster.pop("stdout")
    out = folder / "batch"
    batch = run_whole_batch(client, inputs, out, settings, len(gold), "agreement")
    with open_store(str(db)) as store:
        against_recluster = compare(str(out), store, summaries=None)
        reclustered = _database_stories(store)
    with open_store(str(after_add)) as store:
        against_add = compare(str(out), store, summaries=1)
        added = _database_stories(store)
    batched = _batch_stories(out)
    both = sorted(set(gold) & set(batched) & set(reclustered))
    gold_both = {k: f"g{gold[k]}" for k in both}
    return {
        "articles": len(gold), "jsonl_lines_blanked": blanked, "add": add, "recluster": recluster,
        "batch": batch,
        "against_recluster": against_recluster.as_json(), "against_add": against_add.as_json(),
        "gold": {"articles_scored": len(both),
                 "recluster": _scores({k: reclustered[k] for k in both}, gold_both),
                 "add": _scores({k: added[k] for k in both}, gold_both),
                 "batch": _scores({k: batched[k] for k in both}, gold_both)},
    }


def _without_fetching(jsonl: Path) -> int:
    """Blank the corpus's URL-only line: `add` would fetch it (a DNS look-up)
    where a batch records it as a failure. Line numbers stay as they were."""
    lines = jsonl.read_text(encoding="utf-8").split("\n")
    blanked = 0
    for i, line in enumerate(lines):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "url" in record and not {"html", "text"} & record.keys():
            lines[i], blanked = "", blanked + 1
    jsonl.write_text("\n".join(lines), encoding="utf-8")
    return blanked


def _storyline(db: Path, *args: str) -> dict:
    """Run the storyline command to its end; its wall time, peak RSS and stdout."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "storyline", "--db", str(db), *args],
                                 stdout=stdout, stderr=stderr, text=True)
        process, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            try:
                peak = max(peak, process.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.5)
        wall = time.monotonic() - started
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode:
            raise RuntimeError(f"storyline {args[0]} failed ({child.returncode}): {stderr.read()[-2000:]}")
        return {"wall_s": round(wall, 1), "peak_rss_mb": round(peak / MB), "stdout": stdout.read()}


def _snapshot(db: Path, copy: Path) -> None:
    """The database as `add` left it (SQLite's online backup), before recluster changes it."""
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)


def _database_stories(store) -> dict[str, str | None]:
    """corpus key (URL, or a text file's path) -> story; a near-copy has its original's."""
    rows = store.rows("SELECT COALESCE(a.url, a.source) AS key, COALESCE(a.story_id, d.story_id) AS story "
                      "FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of")
    return {r["key"]: (None if r["story"] is None else str(r["story"])) for r in rows}


def _batch_stories(out: Path) -> dict[str, str | None]:
    _, story, _ = batch_labels(Results(out))
    keys = {}
    for path in Results(out).parts("articles"):
        for row in pq.read_table(path, columns=["key", "url", "source"]).to_pylist():
            keys[row["key"]] = row["url"] or row["source"]
    return {keys[k]: (None if s is None else str(s)) for k, s in story.items()}


def _scores(predicted: dict[str, str | None], gold: dict[str, str]) -> dict:
    found = bcubed(predicted, gold)
    return {"precision": round(found.precision, 4), "recall": round(found.recall, 4), "f1": round(found.f1, 4),
            "clusters": found.clusters, "gold_stories": len(set(gold.values()))}
