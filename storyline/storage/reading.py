"""The store's queries for the web reader and the JSON API (storyline.web,
storyline.api): pages of stories and articles by cursor, neighbours in time,
ranked search pages with marked snippets, outlets. A mixin of the store: it
uses the store's connection (`self.db`) and its story records (`self._story`).
Search runs in the database's own full-text index: FTS5 on SQLite, a tsvector
column with a GIN index on PostgreSQL (storyline.storage.search)."""
from __future__ import annotations

from collections.abc import Callable

from storyline.storage import search

ARTICLE_COLUMNS = (
    "a.id, a.url, a.canonical_url, o.name AS outlet, a.title, a.author, a.published, "
    "a.language, a.words, a.fetched, a.source, a.content_hash, a.story_id, a.duplicate_of, "
    "a.not_article"
)


class ReaderQueries:
    def data_version(self) -> tuple:
        """Changes whenever articles or stories are added (cheap: rowid maxima)."""
        row = self.db.row(
            "SELECT (SELECT MAX(id) FROM articles) AS a, (SELECT MAX(id) FROM stories) AS s, "
            "(SELECT COUNT(*) FROM feeds) AS f")
        return (row["a"], row["s"], row["f"])

    def story_ranking_rows(self) -> list[tuple]:
        """(story id, last_seen, articles, outlets) for every story that has articles."""
        return [(r["id"], r["last_seen"], r["articles"], r["outlets"]) for r in self.db.rows(
            "SELECT s.id, s.last_seen, COUNT(a.id) AS articles, COUNT(DISTINCT a.outlet_id) AS outlets "
            "FROM stories s JOIN articles a ON a.story_id = s.id GROUP BY s.id")]

    def stories_by_ids(self, ids: list[int]) -> list[dict]:
        """The stories with these ids, in the given order, each with its articles."""
        if not ids:
            return []
        found: dict[int, dict] = {}
        for i in range(0, len(ids), 500):
            rows = self.db.rows("SELECT id, title, first_seen, last_seen FROM stories WHERE id IN :ids",
                                {"ids": ids[i:i + 500]})
            for story in self._stories(rows):
                found[story["id"]] = story
        return [found[i] for i in ids if i in found]

    def stories_before(self, last_seen: str | None, story_id: int | None, limit: int) -> list[dict]:
        """Stories newest first (by last_seen, then id), after a keyset cursor."""
        if story_id is None:
            rows = self.db.rows(
                "SELECT id, title, first_seen, last_seen FROM stories "
                f"ORDER BY last_seen DESC {self._nulls_last}, id DESC LIMIT :limit", {"limit": limit})
        else:
            rows = self.db.rows(
                "SELECT id, title, first_seen, last_seen FROM stories "
                "WHERE (last_seen, id) < (:last_seen, :id) OR (last_seen IS NULL AND CAST(:last_seen AS TEXT) IS NOT NULL) "
                "OR (last_seen IS NULL AND id < :id) "
                f"ORDER BY last_seen DESC {self._nulls_last}, id DESC LIMIT :limit",
                {"last_seen": last_seen, "id": story_id, "limit": limit})
        return self._stories(rows)

    def articles_before(self, published: str | None, article_id: int | None, limit: int,
                        outlet: str | None = None) -> list[dict]:
        """Articles newest first by publication date (undated ones last, newest
        id first), after a keyset cursor (the last row's published and id)."""
        base = f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE "
        outlet_sql = " AND o.name = :outlet" if outlet else ""
        params = {"published": published, "id": article_id, "outlet": outlet}
        rows: list = []
        if article_id is None or published is not None:
            cond = "a.published IS NOT NULL"
            if article_id is not None:
                cond += " AND (a.published, a.id) < (:published, :id)"
            rows = self.db.rows(base + cond + outlet_sql + " ORDER BY a.published DESC, a.id DESC LIMIT :limit",
                                {**params, "limit": limit})
        if len(rows) < limit:
            cond = "a.published IS NULL"
            if article_id is not None and published is None:
                cond += " AND a.id < :id"
            rows += self.db.rows(base + cond + outlet_sql + " ORDER BY a.id DESC LIMIT :limit",
                                 {**params, "limit": limit - len(rows)})
        return rows

    def article_time_neighbours(self, published: str | None, article_id: int) -> tuple[dict | None, dict | None]:
        """The articles just before and just after this one in publication order
        (undated articles are ordered by id among themselves)."""
        cols = "SELECT a.id, a.title, o.name AS outlet, a.published FROM articles a " \
               "JOIN outlets o ON o.id = a.outlet_id WHERE "
        params = {"published": published, "id": article_id}
        if published is not None:
            before = self.db.row(cols + "a.published IS NOT NULL AND (a.published, a.id) < (:published, :id) "
                                 "ORDER BY a.published DESC, a.id DESC LIMIT 1", params)
            after = self.db.row(cols + "a.published IS NOT NULL AND (a.published, a.id) > (:published, :id) "
                                "ORDER BY a.published, a.id LIMIT 1", params)
        else:
            before = self.db.row(cols + "a.published IS NULL AND a.id < :id ORDER BY a.id DESC LIMIT 1", params)
            after = self.db.row(cols + "a.published IS NULL AND a.id > :id ORDER BY a.id LIMIT 1", params)
        return before, after

    def search_page(self, query: str, limit: int = 20, offset: int = 0,
                    mark: tuple[str, str] = ("\x02", "\x03"), *, snippets: int | None = None,
                    words: int | None = None, budget: float | None = None,
                    cancelled: Callable[[], bool] | None = None) -> list[dict]:
        """Full-text hits, best first, with a snippet of the text whose matches
        are wrapped in the `mark` pair (control characters by default, so the
        caller can escape the text and then turn them into tags).

        The cost is bounded whatever the stored text: FTS5's snippet() and
        highlight() over a whole text grow with the square of how often a word
        repeats in it, so snippets are made from the first SEARCH_WINDOW
        characters of a hit, for the first `snippets` hits only (all if None).
        Past `budget` seconds, or once `cancelled()` is true, SearchInterrupted."""
        words = words or search.SNIPPET_WORDS
        if self.db.is_postgres:
            return search.postgres_page(self.db, ARTICLE_COLUMNS, query, limit, offset, mark, snippets, words, budget, cancelled)
        return search.sqlite_page(self.db, self._window_db(), ARTICLE_COLUMNS, query, limit, offset, mark, snippets, words,
                                  budget, cancelled)

    def _window_db(self):
        db = self.__dict__.get("_windows")
        if db is None:
            db = self.__dict__["_windows"] = search.window_db()
        return db

    @property
    def _nulls_last(self) -> str:
        """SQLite puts NULL last in a descending order, PostgreSQL first: keep SQLite's order on both."""
        return "NULLS LAST" if self.db.is_postgres else ""

    def outlets_overview(self) -> list[dict]:
        """Every outlet with its article count and newest article."""
        return self.db.rows(
            "SELECT o.id, o.name, o.domain, COUNT(a.id) AS articles, "
            "MAX(a.published) AS latest, MAX(a.fetched) AS last_fetched "
            "FROM outlets o LEFT JOIN articles a ON a.outlet_id = o.id GROUP BY o.id ORDER BY o.name")
