"""Stories in the database: the clustering state (the same State the in-memory
clusterer uses, so one algorithm serves every store: storyline.cluster) and the
queries that place an article (storyline.stories). A mixin of the store."""
from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from storyline import cluster
from storyline.cluster import Story
from storyline.storage.database import Database
from storyline.storage.derived import now

PLACING_LOCK = 7_041_994  # PostgreSQL advisory lock: one article placed at a time, as on SQLite
CHUNK = 500


class ClusterState:
    def __init__(self, db: Database):
        self.db = db

    def n_docs(self) -> int:
        return self.db.scalar("SELECT value FROM counters WHERE name = 'clustered'") or 0

    def df(self, terms: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(terms), CHUNK):
            for row in self.db.rows("SELECT term, df FROM term_df WHERE term IN :terms", {"terms": terms[i:i + CHUNK]}):
                found[row["term"]] = row["df"]
        return found

    def count(self, terms: list[str]) -> None:
        self.db.execute("INSERT INTO counters (name, value) VALUES ('clustered', 1) "
                        "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1")
        self.db.executemany("INSERT INTO term_df (term, df) VALUES (:term, 1) "
                            "ON CONFLICT (term) DO UPDATE SET df = term_df.df + 1",
                            [{"term": t} for t in sorted(set(terms))])

    def candidates(self, query: list[tuple[str, float]]) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        for term, weight in query:
            for sid in self.db.column(
                    "SELECT story_id FROM story_index WHERE term = :term ORDER BY story_id DESC LIMIT :cap",
                    {"term": term, "cap": cluster.POSTING_CAP}):
                acc[sid] += weight
        return [sid for sid, _ in heapq.nlargest(cluster.CANDIDATES, acc.items(), key=lambda kv: kv[1])]

    def load(self, story_id: int) -> Story:
        row = self.db.row("SELECT id, centroid, members, size, last_day FROM stories WHERE id = :id", {"id": story_id})
        members = [(str(key), vec) for key, vec in json.loads(row["members"])]
        return Story(row["id"], json.loads(row["centroid"]), members, row["size"], row["last_day"])

    def save(self, story: Story) -> int:
        values = {"size": story.size, "last_day": story.last_day, "updated": now(),
                  "centroid": json.dumps({k: round(v, 5) for k, v in story.centroid.items()}),
                  "members": json.dumps([[k, {t: round(v, 5) for t, v in vec.items()}] for k, vec in story.members])}
        if story.id is None:
            story.id = self.db.scalar(
                "INSERT INTO stories (size, last_day, centroid, members, updated) "
                "VALUES (:size, :last_day, :centroid, :members, :updated) RETURNING id", values)
        else:
            self.db.execute("UPDATE stories SET size = :size, last_day = :last_day, centroid = :centroid, "
                            "members = :members, updated = :updated WHERE id = :id", {**values, "id": story.id})
        return story.id

    def index(self, story_id: int, terms: list[str]) -> None:
        self.db.executemany("INSERT INTO story_index (term, story_id) VALUES (:term, :story) ON CONFLICT DO NOTHING",
                            [{"term": t, "story": story_id} for t in sorted(set(terms))])


class PlacingQueries:
    """What storyline.stories asks of the store to place articles in stories."""

    db: Database

    def cluster_state(self) -> ClusterState:
        return ClusterState(self.db)

    @contextmanager
    def placing(self) -> Iterator[None]:
        """One article's placement as one transaction; on PostgreSQL, processes
        place one article at a time (clustering is sequential by nature)."""
        with self.db.transaction() as db:
            if db.is_postgres:
                db.execute("SELECT pg_advisory_xact_lock(:key)", {"key": PLACING_LOCK})
            yield

    def to_place(self, article_id: int) -> dict | None:
        """The article's title, text and time, if it is not yet placed."""
        return self.db.row("SELECT id, title, text, COALESCE(published, fetched) AS seen FROM articles "
                           "WHERE id = :id AND placed = 0", {"id": article_id})

    def seen(self, article_id: int) -> str:
        return self.db.scalar("SELECT COALESCE(published, fetched) FROM articles WHERE id = :id",
                              {"id": article_id}) or ""

    def unplaced(self) -> list[int]:
        return self.db.column("SELECT id FROM articles WHERE placed = 0 ORDER BY COALESCE(published, fetched), id")

    def near_copy_candidates(self, bands: list[str], article_id: int) -> list[dict]:
        """Stored articles sharing an LSH band with this one (at most 50, oldest first)."""
        return self.db.rows(
            "SELECT DISTINCT a.id, a.text, a.duplicate_of, a.story_id FROM article_bands b "
            "JOIN articles a ON a.id = b.article_id WHERE b.band IN :bands AND a.id != :id "
            "ORDER BY a.id LIMIT 50", {"bands": bands, "id": article_id})

    def add_bands(self, article_id: int, bands: list[str]) -> None:
        self.db.executemany("INSERT INTO article_bands (band, article_id) VALUES (:band, :id) ON CONFLICT DO NOTHING",
                            [{"band": b, "id": article_id} for b in sorted(set(bands))])

    def make_original(self, article_id: int, former: int) -> None:
        """This article replaces `former` as the original of its near-copies."""
        self.db.execute("UPDATE articles SET duplicate_of = :id WHERE id = :former OR duplicate_of = :former",
                        {"id": article_id, "former": former})

    def set_placement(self, article_id: int, story_id: int | None, duplicate_of: int | None,
                      not_article: str | None) -> None:
        self.db.execute("UPDATE articles SET story_id = :story, duplicate_of = :dup, not_article = :not_article, "
                        "placed = 1 WHERE id = :id",
                        {"story": story_id, "dup": duplicate_of, "not_article": not_article, "id": article_id})

    def refresh_story(self, story_id: int, title_from: int | None) -> None:
        """The story's title from this article; first and last seen from its members."""
        self.db.execute(
            "UPDATE stories SET title = (SELECT title FROM articles WHERE id = :title_from), "
            "first_seen = s.first, last_seen = s.last FROM "
            "(SELECT MIN(COALESCE(published, fetched)) AS first, MAX(COALESCE(published, fetched)) AS last "
            " FROM articles WHERE story_id = :id) AS s WHERE stories.id = :id",
            {"title_from": title_from, "id": story_id})

    def unplace(self, since: str | None, terms_of: Callable[[str, str], list[str]]) -> None:
        """Forget stories so their articles are placed again: all of them, or
        those of articles seen since an ISO date (with every story they are in).
        `terms_of(text, title)` gives the terms an article added to the document
        frequencies, to take them out again."""
        with self.db.transaction() as db:
            if since is None:
                for table in ("story_index", "term_df", "counters", "article_bands"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("UPDATE articles SET story_id = NULL, duplicate_of = NULL, not_article = NULL, placed = 0")
                db.execute("DELETE FROM stories")
                return
            stories = db.column("SELECT DISTINCT story_id FROM articles WHERE COALESCE(published, fetched) >= :since "
                                "AND story_id IS NOT NULL", {"since": since})
            redo = set(db.column("SELECT id FROM articles WHERE COALESCE(published, fetched) >= :since",
                                 {"since": since}))
            for i in range(0, len(stories), CHUNK):
                redo.update(db.column("SELECT id FROM articles WHERE story_id IN :stories",
                                      {"stories": stories[i:i + CHUNK]}))
            redo_ids = sorted(redo)
            counted = 0
            for i in range(0, len(redo_ids), CHUNK):
                chunk = {"ids": redo_ids[i:i + CHUNK]}
                for row in db.rows("SELECT title, text FROM articles WHERE id IN :ids "
                                   "AND story_id IS NOT NULL AND duplicate_of IS NULL", chunk):
                    db.executemany("UPDATE term_df SET df = df - 1 WHERE term = :term",
                                   [{"term": t} for t in sorted(set(terms_of(row["text"], row["title"])))])
                    counted += 1
                db.execute("DELETE FROM article_bands WHERE article_id IN :ids", chunk)
                db.execute("UPDATE articles SET story_id = NULL, duplicate_of = NULL, not_article = NULL, "
                           "placed = 0 WHERE id IN :ids", chunk)
            db.execute("UPDATE counters SET value = value - :n WHERE name = 'clustered'", {"n": counted})
            db.execute("DELETE FROM term_df WHERE df <= 0")
            for i in range(0, len(stories), CHUNK):
                chunk = {"stories": stories[i:i + CHUNK]}
                db.execute("DELETE FROM story_index WHERE story_id IN :stories", chunk)
                db.execute("DELETE FROM stories WHERE id IN :stories", chunk)
