"""`storyline load RESULTS --db ...`: a batch's results into a database, as if
its articles had been added one by one — stored (learning each outlet's
chrome as `storyline add` does), with their summaries and entities, placed in
the batch's stories (the clustering state is built from them, so articles
added later join these stories), and with the batch's briefs, so `serve`
shows them at once.

Loading again adds nothing: an article the database has (same URL,
canonical URL or text) is not stored twice, and a placed one is not moved.
Articles the batch did not place are placed one by one at the end."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyarrow.parquet as pq

from storyline.batch.parts import FORMAT, Results
from storyline.brief import DEFAULT_WORDS, METHOD as BRIEF_METHOD
from storyline.brief.stored import sources_signature, text_hash
from storyline.cluster import INDEX_TERMS, INDEXED_MEMBERS, Story, features
from storyline.ingest.recorded import failure_reason
from storyline.model import Article, Failure, Source, Summary, SummarySentence
from storyline.storage import Store
from storyline.stories import place_pending
from storyline.summary.stored import length_key


@dataclass
class LoadReport:
    added: int = 0
    duplicates: int = 0
    stories: int = 0
    briefs: int = 0
    failures_recorded: int = 0
    failed: list[Failure] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates, "stories": self.stories,
                "briefs": self.briefs, "failures_recorded": self.failures_recorded,
                "failed": [{"source": f.source, "error": f.error} for f in self.failed]}


class LoadError(ValueError):
    """The folder holds no finished batch."""


def load(folder: str, store: Store, progress=None) -> LoadReport:
    results = Results(folder)
    manifest = results.read_json("manifest.json")
    if not manifest or manifest.get("format") != FORMAT:
        raise LoadError(f"{folder} holds no finished batch (no manifest.json): run `storyline batch` first")
    report = LoadReport()
    ids: dict[str, int] = {}  # batch key -> article id
    fresh: set[str] = set()  # keys stored by this load
    rows_of: dict[str, dict] = {}  # what placing needs, for the stored articles
    for path in results.parts("articles"):
        for row in pq.read_table(path).to_pylist():
            _store_article(store, row, ids, fresh, report)
            if row["key"] in ids:
                rows_of[row["key"]] = {k: row[k] for k in ("terms", "day", "not_article")}
            if progress:
                progress.advance()
    # Chrome learned while storing may have cleaned texts a little differently
    # from the batch, which saw the whole input at once: the batch's text stands.
    for path in results.parts("articles"):
        for row in pq.read_table(path, columns=["key", "text"]).to_pylist():
            if row["key"] in fresh:
                store.execute("UPDATE articles SET text = :text, words = :words WHERE id = :id",
                              {"text": row["text"], "words": len(row["text"].split()), "id": ids[row["key"]]})
    _place(store, results, ids, rows_of, report)
    _briefs(store, results, ids, report)
    for path in results.parts("failures"):
        for row in pq.read_table(path).to_pylist():
            store.record_failure(row["source"], row["error"])
            report.failures_recorded += 1
    place_pending(store)
    return report


def _store_article(store: Store, row: dict, ids: dict, fresh: set, report: LoadReport) -> None:
    existing = store.find_duplicate(url=row["url"], canonical_url=row["canonical_url"],
                                    content_hash=row["content_hash"])
    if existing:
        ids[row["key"]] = existing
        report.duplicates += 1
        return
    article = Article(url=row["url"], title=row["title"], text=row["text"], outlet=row["outlet"],
                      canonical_url=row["canonical_url"], author=row["author"], published=row["published"],
                      language=row["language"], raw_text=row["raw_text"], fetched=row["fetched"],
                      source=row["source"], content_hash=row["content_hash"])
    try:
        article_id = store.insert_article(article, row["outlet_domain"])
    except Exception as exc:  # one article the database refuses; the rest goes on
        report.failed.append(Failure(row["source"] or row["key"], failure_reason(exc)))
        return
    ids[row["key"]] = article_id
    fresh.add(row["key"])
    report.added += 1
    summary = json.loads(row["summary"])
    store.put_summary(article_id, length_key(None, None), Summary(
        [SummarySentence(s["text"], s["position"]) for s in summary["sentences"]],
        summary["method"], summary["language"], summary["note"]))
    if row["entities"] is not None:
        store.put_entities(article_id, row["entity_model"], text_hash(Source(article_id, row["text"])),
                           json.loads(row["entities"]))


def _place(store: Store, results: Results, ids: dict, rows_of: dict, report: LoadReport) -> None:
    copies = {r["key"]: r["original"] for p in results.parts("copies") for r in pq.read_table(p).to_pylist()}
    members: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for path in results.parts("stories"):
        for r in pq.read_table(path).to_pylist():
            if r["key"] in ids:
                members[r["story"]].append((r["fit"], r["key"]))
    state = store.cluster_state()
    for story_number, placed in sorted(members.items()):
        keys = sorted((k for _, k in placed), key=lambda k: (rows_of[k]["day"] or 0.0, ids[k]))
        unplaced = [k for k in keys if store.to_place(ids[k]) is not None]
        if not unplaced:
            continue
        with store.placing():
            story = _story_of(store, [ids[k] for k in keys]) or Story()
            for k in unplaced:
                terms = _terms(rows_of[k]["terms"])
                vec = features.vector(terms, state.n_docs(), state.df(list(terms.tf)))
                state.count(list(terms.tf))
                story.add(str(ids[k]), vec, rows_of[k]["day"])
                sid = state.save(story)
                if story.size <= INDEXED_MEMBERS:
                    state.index(sid, sorted(vec, key=vec.get, reverse=True)[:INDEX_TERMS])
                store.set_placement(ids[k], sid, None, None)
            title_key = max(placed)[1]
            store.refresh_story(story.id, ids[title_key])
        report.stories += 1
    for key, original in copies.items():
        if key in ids and original in ids and store.to_place(ids[key]) is not None:
            store.set_placement(ids[key], store.article_story(ids[original]), ids[original], None)
    for key, row in rows_of.items():
        if row["not_article"] and store.to_place(ids[key]) is not None:
            store.set_placement(ids[key], None, None, row["not_article"])


def _story_of(store: Store, article_ids: list[int]) -> Story | None:
    """The story an earlier load put some of these articles in."""
    for article_id in article_ids:
        story_id = store.article_story(article_id)
        if story_id is not None:
            return store.cluster_state().load(story_id)
    return None


def _terms(encoded: str) -> features.Terms:
    found = json.loads(encoded)
    return features.Terms(found["tf"], set(found["names"]), 0, 0)


def _briefs(store: Store, results: Results, ids: dict, report: LoadReport) -> None:
    for path in results.parts("briefs"):
        for row in pq.read_table(path).to_pylist():
            if not row["brief"] or row["title_key"] not in ids:
                continue
            story_id = store.article_story(ids[row["title_key"]])
            if story_id is None:
                continue
            sources = store.story_sources(story_id)
            body = _with_ids(json.loads(row["brief"]), ids)
            body["story"] = story_id
            cited = set(_cited(body))
            if not cited <= {r["id"] for r in sources}:
                continue  # the story holds other articles than the batch's: briefed again on demand
            store.put_brief(story_id, DEFAULT_WORDS, row["part"], BRIEF_METHOD, sources_signature(sources), body)
            report.briefs += 1


def _with_ids(value, ids: dict):
    """The brief with batch keys ("a123") replaced by article ids, wherever they appear."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_with_ids(v, ids) for v in value]
    if isinstance(value, dict):
        return {(str(ids[k]) if k in ids else k): _with_ids(v, ids) for k, v in value.items()}
    return value


def _cited(body: dict):
    for sentence in body.get("sentences", []):
        yield sentence.get("article")
        yield from sentence.get("citations", [])
