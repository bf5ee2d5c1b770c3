"""How far a batch agrees with the single-machine pipeline on the same input:
the articles both kept (matched by their normalized text), how many of their
summaries are the same, and the B-cubed precision, recall and F1 of the
batch's stories against the database's (`storyline add`, or `recluster`)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pyarrow.parquet as pq

from storyline.batch.parts import Results
from storyline.cluster.bcubed import bcubed
from storyline.storage import Store
from storyline.summary.stored import article_summary


@dataclass
class Agreement:
    batch_articles: int
    database_articles: int
    matched: int
    summaries_same: int
    summaries_compared: int
    stories_precision: float
    stories_recall: float
    stories_f1: float
    batch_stories: int
    database_stories: int
    copies_batch: int = 0  # near-copy links among the matched articles
    copies_database: int = 0
    copies_same: int = 0  # the same copy of the same original in both

    def as_json(self) -> dict:
        return asdict(self)


def batch_labels(results: Results) -> tuple[dict[str, str], dict[str, int | None], dict[str, str]]:
    """(content hash -> key, key -> story or None, key -> summary text) of a batch."""
    keys, story, summaries, _ = _labels(results)
    return keys, story, summaries


def _labels(results: Results):
    keys, summaries = {}, {}
    for path in results.parts("articles"):
        for row in pq.read_table(path, columns=["key", "content_hash", "summary"]).to_pylist():
            keys[row["content_hash"]] = row["key"]
            summaries[row["key"]] = " ".join(s["text"] for s in json.loads(row["summary"])["sentences"])
    story = {r["key"]: r["story"] for p in results.parts("stories") for r in pq.read_table(p).to_pylist()}
    copied = {r["key"]: r["original"] for p in results.parts("copies") for r in pq.read_table(p).to_pylist()}
    for key, original in copied.items():
        story[key] = story.get(original)
    return keys, {k: story.get(k) for k in summaries}, summaries, copied


def compare(folder: str, store: Store, summaries: int | None = 500) -> Agreement:
    """`summaries`: how many matched articles' summaries to compare (None: all)."""
    keys, batch_story, batch_summary, copied = _labels(Results(folder))
    rows = store.rows("SELECT a.id, a.content_hash, COALESCE(a.story_id, d.story_id) AS story, "
                      "d.content_hash AS original FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of")
    matched = [(keys[r["content_hash"]], r) for r in rows if r["content_hash"] in keys]
    same = compared = 0
    for key, row in matched[:summaries] if summaries else matched:
        found = article_summary(store, row["id"])
        compared += 1
        same += found is not None and found.text == batch_summary[key]
    reference = {key: f"s{row['story']}" if row["story"] is not None else f"alone{row['id']}"
                 for key, row in matched}
    predicted = {key: batch_story.get(key) for key, _ in matched}
    scores = bcubed({k: (str(v) if v is not None else None) for k, v in predicted.items()}, reference)
    matched_keys = {key for key, _ in matched}
    batch_copies = {(k, o) for k, o in copied.items() if k in matched_keys and o in matched_keys}
    database_copies = {(key, keys.get(row["original"])) for key, row in matched if row["original"]}
    agreement = Agreement(len(batch_summary), len(rows), len(matched), same, compared,
                     round(scores.precision, 4), round(scores.recall, 4), round(scores.f1, 4),
                     len({v for v in predicted.values() if v is not None}),
                     len({r["story"] for _, r in matched if r["story"] is not None}))
    agreement.copies_batch, agreement.copies_database = len(batch_copies), len(database_copies)
    agreement.copies_same = len(batch_copies & database_copies)
    return agreement
