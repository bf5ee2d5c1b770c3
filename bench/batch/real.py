"""python -m bench.batch.real [--workers 2] [--work DIR]

The batch beside the single-machine pipeline on real news text: the stories
benchmark's two sets (Multi-News dev pool, ECB+; read in place from
../shared/data, see bench/stories/data.py), each written as one JSONL file
(text and URL, one date for all), put through `storyline batch` (2 workers)
and through `storyline add` then `recluster`. Prints, per set: summaries the
same, near-copy links, the batch's stories' B-cubed against `recluster`'s,
and (the anchors) both sides' B-cubed against the sets' gold stories."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from bench.stories.data import load_ecbplus, load_multinews
from storyline.batch import BatchSettings, connect, run_batch
from storyline.batch.agreement import batch_labels, compare
from storyline.batch.parts import Results
from storyline.cluster.bcubed import bcubed
from storyline.storage import open_store

SETS = {"Multi-News": load_multinews, "ECB+": load_ecbplus}


def measure(name: str, load, work: Path, client) -> dict:
    docs = load()
    folder = work / name.replace("+", "plus")
    folder.mkdir(parents=True)
    source = folder / "articles.jsonl"
    gold = {}
    with source.open("w", encoding="utf-8") as out:
        for doc in docs:
            url = f"https://{name.lower().replace('+', 'plus')}.example/{doc.id}"
            gold[url] = doc.gold
            out.write(json.dumps({"text": doc.text, "url": url, "published": "2026-01-05"}) + "\n")
    started = time.monotonic()
    run_batch([str(source)], str(folder / "results"), client=client,
              settings=BatchSettings(briefs="none", entities=False))
    batch_s = time.monotonic() - started
    db = folder / "single.db"
    started = time.monotonic()
    for command in (["add", str(source)], ["recluster"]):
        subprocess.run([sys.executable, "-m", "storyline", "--db", str(db), *command], check=True,
                       capture_output=True)
    single_s = time.monotonic() - started
    with open_store(str(db)) as store:
        agreement = compare(str(folder / "results"), store, summaries=None)
        rows = store.rows("SELECT a.url, COALESCE(a.story_id, d.story_id) AS story FROM articles a "
                          "LEFT JOIN articles d ON d.id = a.duplicate_of")
    single = {r["url"]: (str(r["story"]) if r["story"] is not None else None) for r in rows}
    _, story, _ = batch_labels(Results(folder / "results"))
    urls = {r["key"]: r["url"] for p in Results(folder / "results").parts("articles")
            for r in pq.read_table(p, columns=["key", "url"]).to_pylist()}
    batch = {urls[k]: (str(s) if s is not None else None) for k, s in story.items()}
    return {"set": name, "documents": len(docs), "batch_s": round(batch_s, 1), "single_s": round(single_s, 1),
            "agreement": agreement.as_json(),
            "gold_f1_batch": round(bcubed(batch, {u: gold[u] for u in batch}).f1, 4),
            "gold_f1_single": round(bcubed(single, {u: gold[u] for u in single}).f1, 4)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.batch.real")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, help="keep the files here (default: a temporary folder)")
    args = parser.parse_args(argv)
    client = connect(workers=args.workers)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-batch-real-") as temporary:
            work = args.work or Path(temporary)
            found = [measure(name, load, work, client) for name, load in SETS.items()]
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    print(f"{'set':<11} {'articles':>8} {'summaries same':>15} {'copies same':>12} "
          f"{'stories P/R/F1 vs recluster':>28} {'gold F1 batch':>14} {'gold F1 single':>15}")
    for f in found:
        a = f["agreement"]
        print(f"{f['set']:<11} {a['matched']:>8} {a['summaries_same']:>7} of {a['summaries_compared']:<5} "
              f"{a['copies_same']:>5} of {a['copies_database']:<4} "
              f"{a['stories_precision']:>10.3f} / {a['stories_recall']:.3f} / {a['stories_f1']:.3f} "
              f"{f['gold_f1_batch']:>14.3f} {f['gold_f1_single']:>15.3f}")
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
