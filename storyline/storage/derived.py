"""What Storyline makes from stored articles and keeps so it is made once:
summaries, story briefs, the entity recognizer's findings and sentence vectors
(each keyed by method or model and by the text version it was made from).
A mixin of the store: it uses the store's connection (`self.db`) and
`self.transaction()`."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from storyline.model import Summary, SummarySentence


def now() -> str:
    """A stored timestamp: UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class DerivedStore:
    # -- summaries ----------------------------------------------------------------

    def get_summary(self, article_id: int, length: str, method: str) -> Summary | None:
        row = self.db.execute(
            "SELECT * FROM summaries WHERE article_id = ? AND length = ? AND method = ?",
            (article_id, length, method),
        ).fetchone()
        if row is None:
            return None
        sentences = [SummarySentence(s["text"], s["position"]) for s in json.loads(row["sentences"])]
        return Summary(sentences, row["method"], row["language"], row["note"])

    def put_summary(self, article_id: int, length: str, summary: Summary) -> None:
        """Store a summary, dropping the article's summaries made by older methods."""
        sentences = json.dumps([{"text": s.text, "position": s.position} for s in summary.sentences],
                               ensure_ascii=False)
        with self.transaction() as db:
            db.execute("DELETE FROM summaries WHERE article_id = ? AND method != ?",
                       (article_id, summary.method))
            db.execute(
                "INSERT OR REPLACE INTO summaries (article_id, length, method, language, note, "
                "sentences, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, length, summary.method, summary.language, summary.note, sentences, now()),
            )

    # -- briefs -------------------------------------------------------------------

    def story_sources(self, story_id: int) -> list[dict]:
        """The story's articles with their text, oldest first (not-articles never join one).
        `published` is the source's own date or null, never the time it was added:
        relative dates in the text are resolved against it."""
        return [dict(r) for r in self.db.execute(
            "SELECT a.id, o.name AS outlet, a.title, a.text, a.published, a.fetched AS added, "
            "a.duplicate_of FROM articles a JOIN outlets o ON o.id = a.outlet_id "
            "WHERE a.story_id = ? ORDER BY COALESCE(a.published, a.fetched), a.id", (story_id,))]

    def get_brief(self, story_id: int, words: int, part: str, method: str, sources: str) -> dict | None:
        row = self.db.execute(
            "SELECT body FROM briefs WHERE story_id = ? AND words = ? AND part = ? AND method = ? "
            "AND sources = ?", (story_id, words, part, method, sources)).fetchone()
        return json.loads(row["body"]) if row else None

    def put_brief(self, story_id: int, words: int, part: str, method: str, sources: str, body: dict) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO briefs (story_id, words, part, method, sources, body, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (story_id, words, part, method, sources, json.dumps(body, ensure_ascii=False), now()))

    def get_entities(self, article_id: int, model: str, text_hash: str) -> list | None:
        row = self.db.execute(
            "SELECT entities FROM article_entities WHERE article_id = ? AND model = ? AND text_hash = ?",
            (article_id, model, text_hash)).fetchone()
        return [tuple(e) for e in json.loads(row["entities"])] if row else None

    def put_entities(self, article_id: int, model: str, text_hash: str, entities: list) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO article_entities (article_id, model, text_hash, entities) VALUES (?, ?, ?, ?)",
            (article_id, model, text_hash, json.dumps(entities, ensure_ascii=False)))

    def get_vectors(self, article_id: int, model: str, text_hash: str) -> tuple[bytes, str] | None:
        row = self.db.execute(
            "SELECT vectors, layout FROM article_vectors WHERE article_id = ? AND model = ? AND text_hash = ?",
            (article_id, model, text_hash)).fetchone()
        return (bytes(row["vectors"]), row["layout"]) if row else None

    def put_vectors(self, article_id: int, model: str, text_hash: str, vectors: bytes, layout: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO article_vectors (article_id, model, text_hash, layout, vectors) VALUES (?, ?, ?, ?, ?)",
            (article_id, model, text_hash, layout, vectors))
