"""What Storyline makes from stored articles and keeps so it is made once:
summaries, story briefs, the entity recognizer's findings and sentence vectors
(each keyed by method or model and by the text version it was made from).
A mixin of the store: it uses the store's connection (`self.db`, a
storyline.storage.database.Database)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from storyline.model import Summary, SummarySentence


def now() -> str:
    """A stored timestamp: UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(iso: str | None) -> datetime | None:
    """A stored (or published) ISO 8601 time as an aware datetime, UTC when it
    names no zone; None when absent or unreadable."""
    if not iso:
        return None
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class DerivedStore:
    # -- summaries ----------------------------------------------------------------

    def get_summary(self, article_id: int, length: str, method: str) -> Summary | None:
        row = self.db.row(
            "SELECT * FROM summaries WHERE article_id = :id AND length = :length AND method = :method",
            {"id": article_id, "length": length, "method": method})
        if row is None:
            return None
        sentences = [SummarySentence(s["text"], s["position"]) for s in json.loads(row["sentences"])]
        return Summary(sentences, row["method"], row["language"], row["note"])

    def put_summary(self, article_id: int, length: str, summary: Summary) -> None:
        """Store a summary, dropping the article's summaries made by older methods."""
        sentences = json.dumps([{"text": s.text, "position": s.position} for s in summary.sentences],
                               ensure_ascii=False)
        with self.db.transaction() as db:
            db.execute("DELETE FROM summaries WHERE article_id = :id AND method != :method",
                       {"id": article_id, "method": summary.method})
            db.execute(
                "INSERT INTO summaries (article_id, length, method, language, note, sentences, created) "
                "VALUES (:id, :length, :method, :language, :note, :sentences, :created) "
                "ON CONFLICT (article_id, length, method) DO UPDATE SET language = excluded.language, "
                "note = excluded.note, sentences = excluded.sentences, created = excluded.created",
                {"id": article_id, "length": length, "method": summary.method, "language": summary.language,
                 "note": summary.note, "sentences": sentences, "created": now()})

    # -- briefs -------------------------------------------------------------------

    def story_sources(self, story_id: int) -> list[dict]:
        """The story's articles with their text, oldest first (not-articles never join one).
        `published` is the source's own date or null, never the time it was added:
        relative dates in the text are resolved against it."""
        return self.db.rows(
            "SELECT a.id, o.name AS outlet, a.title, a.text, a.published, a.fetched AS added, "
            "a.duplicate_of FROM articles a JOIN outlets o ON o.id = a.outlet_id "
            "WHERE a.story_id = :id ORDER BY COALESCE(a.published, a.fetched), a.id", {"id": story_id})

    def get_brief(self, story_id: int, words: int, part: str, method: str, sources: str) -> dict | None:
        body = self.db.scalar(
            "SELECT body FROM briefs WHERE story_id = :id AND words = :words AND part = :part "
            "AND method = :method AND sources = :sources",
            {"id": story_id, "words": words, "part": part, "method": method, "sources": sources})
        return json.loads(body) if body is not None else None

    def put_brief(self, story_id: int, words: int, part: str, method: str, sources: str, body: dict) -> None:
        self.db.execute(
            "INSERT INTO briefs (story_id, words, part, method, sources, body, created) "
            "VALUES (:id, :words, :part, :method, :sources, :body, :created) "
            "ON CONFLICT (story_id, words, part) DO UPDATE SET method = excluded.method, "
            "sources = excluded.sources, body = excluded.body, created = excluded.created",
            {"id": story_id, "words": words, "part": part, "method": method, "sources": sources,
             "body": json.dumps(body, ensure_ascii=False), "created": now()})

    def get_entities(self, article_id: int, model: str, text_hash: str) -> list | None:
        found = self.db.scalar(
            "SELECT entities FROM article_entities WHERE article_id = :id AND model = :model "
            "AND text_hash = :hash", {"id": article_id, "model": model, "hash": text_hash})
        return [tuple(e) for e in json.loads(found)] if found is not None else None

    def put_entities(self, article_id: int, model: str, text_hash: str, entities: list) -> None:
        self.db.execute(
            "INSERT INTO article_entities (article_id, model, text_hash, entities) "
            "VALUES (:id, :model, :hash, :entities) ON CONFLICT (article_id) DO UPDATE SET "
            "model = excluded.model, text_hash = excluded.text_hash, entities = excluded.entities",
            {"id": article_id, "model": model, "hash": text_hash,
             "entities": json.dumps(entities, ensure_ascii=False)})

    def get_vectors(self, article_id: int, model: str, text_hash: str) -> tuple[bytes, str] | None:
        row = self.db.row(
            "SELECT vectors, layout FROM article_vectors WHERE article_id = :id AND model = :model "
            "AND text_hash = :hash", {"id": article_id, "model": model, "hash": text_hash})
        return (bytes(row["vectors"]), row["layout"]) if row else None

    def put_vectors(self, article_id: int, model: str, text_hash: str, vectors: bytes, layout: str) -> None:
        self.db.execute(
            "INSERT INTO article_vectors (article_id, model, text_hash, layout, vectors) "
            "VALUES (:id, :model, :hash, :layout, :vectors) ON CONFLICT (article_id) DO UPDATE SET "
            "model = excluded.model, text_hash = excluded.text_hash, layout = excluded.layout, "
            "vectors = excluded.vectors",
            {"id": article_id, "model": model, "hash": text_hash, "layout": layout, "vectors": vectors})
