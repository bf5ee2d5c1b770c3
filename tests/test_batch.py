"""`storyline batch` on a local Dask cluster with 2 workers over a generated
corpus (JSONL, HTML files, a WARC file): its outputs, its agreement with the
single-machine pipeline, resuming after it is killed, and `storyline load`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from storyline.batch import BatchError, BatchSettings, connect, run_batch
from storyline.batch.agreement import batch_labels, compare
from storyline.batch.load import load
from storyline.batch.parts import Results
from storyline.brief.stored import story_brief
from storyline.cluster.bcubed import bcubed
from storyline.ingest import Ingestor
from storyline.storage import Store
from tests.batch_corpus import build
from tests.conftest import offline

STORYLINE = [sys.executable, "-m", "storyline"]
SETTINGS = BatchSettings(items_per_partition=40, briefs="full")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corpus"), articles=300, seed=11)


@pytest.fixture(scope="module")
def client():
    client = connect(workers=2)
    yield client
    cluster = client.cluster
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def batch(corpus, client, tmp_path_factory):
    out = tmp_path_factory.mktemp("results") / "out"
    report = run_batch(corpus.inputs, str(out), client=client, settings=SETTINGS)
    return out, report


def table(out: Path, stage: str) -> list[dict]:
    return [row for part in Results(out).parts(stage) for row in pq.read_table(part).to_pylist()]


def gold_key(corpus, row: dict) -> str:
    """The corpus key of a batch article: its URL, or the text file's path."""
    return row["url"] or row["source"]


def test_the_batch_keeps_every_article_once_and_records_every_failure(corpus, batch):
    out, report = batch
    articles = table(out, "articles")
    keys = [gold_key(corpus, a) for a in articles]
    assert len(keys) == len(set(keys)) == report.articles
    same_text = [(original, copy) for original, copy, kind in corpus.near_copies() if kind == "same-text"]
    paired = {k for pair in same_text for k in pair}
    assert set(keys) - paired == {a.key for a in corpus.articles} - paired
    # An identical text is a duplicate of whichever came first, as `storyline add` has it.
    assert same_text and all(len(set(pair) & set(keys)) == 1 for pair in same_text)
    assert report.duplicates == len(same_text)
    failures = table(out, "failures")
    for failure in corpus.failures:
        assert any(f["source"] == failure.source and failure.reason in f["error"] for f in failures), failure
    assert report.failed == len(failures) == len(corpus.failures)
    assert all(json.loads(a["summary"])["sentences"] for a in articles)
    assert all(a["entities"] is not None for a in articles)
    assert report.dashboard and report.dashboard.startswith("http://127.0.0.1:")


def test_near_copies_and_stories_match_the_corpus(corpus, batch):
    out, _ = batch
    key_of = {a["key"]: gold_key(corpus, a) for a in table(out, "articles")}
    copies = {(key_of[c["original"]], key_of[c["key"]]) for c in table(out, "copies")}
    expected = {(original, copy) for original, copy, kind in corpus.near_copies() if kind == "added-sentence"}
    # The corpus's stories share sentences, so some of their articles are near-copies
    # too (the agreement test checks them against `storyline add`).
    assert expected and expected <= copies

    _, story, _ = batch_labels(Results(out))
    predicted = {key_of[k]: (str(s) if s is not None else None) for k, s in story.items()}
    gold = {k: str(s) for k, s in corpus.story_of().items() if k in predicted}
    scores = bcubed(predicted, gold)
    assert scores.precision >= 0.95 and scores.recall >= 0.9, scores


def test_every_brief_cites_only_its_own_story(batch):
    out, report = batch
    story_of = {r["key"]: r["story"] for r in table(out, "stories")}
    originals = {c["key"]: c["original"] for c in table(out, "copies")}
    briefs = table(out, "briefs")
    assert len(briefs) == report.briefs == report.stories
    for row in briefs:
        assert row["error"] is None and row["part"] == "full"
        body = json.loads(row["brief"])
        assert body["sentences"]
        for sentence in body["sentences"]:
            for key in sentence["citations"]:
                assert story_of.get(key, story_of.get(originals.get(key))) == row["story"]


def test_the_batch_agrees_with_the_single_machine_pipeline(corpus, batch, tmp_path):
    """The same summaries, and the same stories as `storyline add` then `recluster`."""
    out, _ = batch
    with Store(str(tmp_path / "single.db")) as store:
        with Ingestor(store, settings=offline()) as ingestor:
            ingestor.add(corpus.inputs)
        from storyline.stories import recluster
        recluster(store)
        agreement = compare(str(out), store, summaries=None)
    assert agreement.matched == agreement.database_articles == agreement.batch_articles
    assert agreement.summaries_same == agreement.summaries_compared == agreement.matched
    assert agreement.stories_f1 >= 0.95, agreement
    assert agreement.copies_same == agreement.copies_batch == agreement.copies_database > 0


def test_a_killed_batch_finishes_from_its_completed_partitions(corpus, batch, tmp_path):
    out = tmp_path / "out"
    command = [*STORYLINE, "batch", *corpus.inputs, "--out", str(out), "--workers", "2",
               "--partition-size", "40", "--briefs", "text"]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        while len(Results(out).parts("extracted")) < 2:
            assert first.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    done_before = len(Results(out).parts("extracted"))
    assert not (out / "manifest.json").exists()

    again = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["resumed"] >= done_before >= 2
    reference = {gold_key(corpus, a) for a in table(batch[0], "articles")}
    assert {gold_key(corpus, a) for a in table(out, "articles")} == reference
    assert report["stories"] == batch[1].stories and report["copies"] == batch[1].copies


def test_a_results_folder_of_something_else_is_refused(corpus, client, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not empty"):
        run_batch(corpus.inputs, str(tmp_path), client=client, settings=SETTINGS)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_unreachable_scheduler_is_a_clear_error(corpus, tmp_path):
    done = subprocess.run([*STORYLINE, "batch", str(corpus.jsonl), "--out", str(tmp_path / "o"),
                           "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert done.returncode != 0
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr


def test_load_puts_the_batch_in_a_database_that_serves_it(corpus, batch, store):
    out, report = batch
    loaded = load(str(out), store)
    assert loaded.added == report.articles and not loaded.failed
    assert store.count_articles() == report.articles
    assert store.count_stories() == report.stories
    assert loaded.briefs == report.briefs
    assert store.scalar("SELECT COUNT(*) FROM articles WHERE placed = 0") == 0
    assert store.scalar("SELECT COUNT(*) FROM failures") == report.failed

    # The batch's brief is what the reader shows: stored under the story's current articles.
    story_id = store.rows("SELECT id FROM stories ORDER BY size DESC LIMIT 1")[0]["id"]
    kept = story_brief(store, story_id)
    cited = {c for s in kept["sentences"] for c in s["citations"]}
    members = {a["id"] for a in store.story_articles(story_id)}
    assert kept["story"] == story_id and cited and cited <= members

    again = load(str(out), store)
    assert again.added == 0 and again.duplicates == report.articles
    assert store.count_articles() == report.articles and store.count_stories() == report.stories

    # The clustering state came with it: a new article of a loaded story joins that story.
    originals = [store.get_article(a["id"]) for a in store.story_articles(story_id) if not a["duplicate_of"]]
    extra = Path(str(out) + "-extra.jsonl")
    # One paragraph from each of three members, the day the story ran: the story's
    # words, nobody's copy.
    text = "\n\n".join(member["text"].split("\n\n")[k % 2] for k, member in enumerate(originals[:3]))
    extra.write_text(json.dumps({"title": "Where the story stands", "text": text,
                                 "published": originals[-1]["published"], "outlet": "Later Wire"}) + "\n")
    with Ingestor(store, settings=offline()) as ingestor:
        added = ingestor.add([str(extra)])
    assert added.added == 1
    assert store.article_story(added.article_ids[0]) == story_id


def test_a_running_dask_cluster_runs_the_batch(corpus, client, tmp_path):
    """--scheduler: any running cluster (here, the fixture's) instead of a local one."""
    address = client.scheduler.address
    done = subprocess.run([*STORYLINE, "batch", str(corpus.jsonl), "--out", str(tmp_path / "o"),
                           "--scheduler", address, "--briefs", "none", "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    in_jsonl = sum(1 for line in corpus.jsonl.read_text().split("\n") if line.strip())
    assert 0 < report["articles"] <= in_jsonl and report["briefs"] == 0 and report["stories"] > 0
    assert client.scheduler_info()["workers"]  # the cluster outlives the command
