"""The store's queries for the web reader and the JSON API (storyline.web,
storyline.api): pages of stories and articles by cursor, neighbours in time,
ranked search pages with marked snippets, outlets. A mixin of the store: it
uses the store's connection (`self.db`) and its story records (`self._story`)."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from storyline.storage.search import (SEARCH_WINDOW, SNIPPET_WORDS, TITLE_WINDOW, fts_query, marked_windows,
                                      search_budget, snippet, window_db)

ARTICLE_COLUMNS = (
    "a.id, a.url, a.canonical_url, o.name AS outlet, a.title, a.author, a.published, "
    "a.language, a.words, a.fetched, a.source, a.content_hash, a.story_id, a.duplicate_of, "
    "a.not_article"
)


class ReaderQueries:
    def data_version(self) -> tuple:
        """Changes whenever articles or stories are added (cheap: rowid maxima)."""
        row = self.db.execute(
            "SELECT (SELECT MAX(id) FROM articles), (SELECT MAX(id) FROM stories), "
            "(SELECT COUNT(*) FROM feeds)").fetchone()
        return tuple(row)

    def story_ranking_rows(self) -> list[tuple]:
        """(story id, last_seen, articles, outlets) for every story that has articles."""
        return [tuple(r) for r in self.db.execute(
            "SELECT s.id, s.last_seen, COUNT(a.id), COUNT(DISTINCT a.outlet_id) "
            "FROM stories s JOIN articles a ON a.story_id = s.id GROUP BY s.id")]

    def stories_by_ids(self, ids: list[int]) -> list[dict]:
        """The stories with these ids, in the given order, each with its articles."""
        if not ids:
            return []
        found: dict[int, dict] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                    f"SELECT id, title, first_seen, last_seen FROM stories WHERE id IN ({marks})", chunk):
                found[row["id"]] = self._story(row)
        return [found[i] for i in ids if i in found]

    def stories_before(self, last_seen: str | None, story_id: int | None, limit: int) -> list[dict]:
        """Stories newest first (by last_seen, then id), after a keyset cursor."""
        if story_id is None:
            rows = self.db.execute(
                "SELECT id, title, first_seen, last_seen FROM stories "
                "ORDER BY last_seen DESC, id DESC LIMIT ?", (limit,)).fetchall()
        else:
            rows = self.db.execute(
                "SELECT id, title, first_seen, last_seen FROM stories "
                "WHERE (last_seen, id) < (?, ?) OR (last_seen IS NULL AND ? IS NOT NULL) "
                "OR (last_seen IS NULL AND id < ?) "
                "ORDER BY last_seen DESC, id DESC LIMIT ?",
                (last_seen, story_id, last_seen, story_id, limit)).fetchall()
        return [self._story(row) for row in rows]

    def articles_before(self, published: str | None, article_id: int | None, limit: int,
                        outlet: str | None = None) -> list[dict]:
        """Articles newest first by publication date (undated ones last, newest
        id first), after a keyset cursor (the last row's published and id)."""
        base = f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE "
        outlet_sql = " AND o.name = ?" if outlet else ""
        extra = [outlet] if outlet else []
        rows: list = []
        if article_id is None or published is not None:
            if article_id is None:
                cond, params = "a.published IS NOT NULL", []
            else:
                cond, params = "a.published IS NOT NULL AND (a.published, a.id) < (?, ?)", [published, article_id]
            rows = self.db.execute(base + cond + outlet_sql + " ORDER BY a.published DESC, a.id DESC LIMIT ?",
                                   (*params, *extra, limit)).fetchall()
        if len(rows) < limit:
            cond, params = "a.published IS NULL", []
            if article_id is not None and published is None:
                cond, params = "a.published IS NULL AND a.id < ?", [article_id]
            rows += self.db.execute(base + cond + outlet_sql + " ORDER BY a.id DESC LIMIT ?",
                                    (*params, *extra, limit - len(rows))).fetchall()
        return [dict(r) for r in rows]

    def article_time_neighbours(self, published: str | None, article_id: int) -> tuple[dict | None, dict | None]:
        """The articles just before and just after this one in publication order
        (undated articles are ordered by id among themselves)."""
        cols = "SELECT a.id, a.title, o.name AS outlet, a.published FROM articles a " \
               "JOIN outlets o ON o.id = a.outlet_id WHERE "
        if published is not None:
            before = self.db.execute(cols + "a.published IS NOT NULL AND (a.published, a.id) < (?, ?) "
                                     "ORDER BY a.published DESC, a.id DESC LIMIT 1", (published, article_id))
            after = self.db.execute(cols + "a.published IS NOT NULL AND (a.published, a.id) > (?, ?) "
                                    "ORDER BY a.published, a.id LIMIT 1", (published, article_id))
        else:
            before = self.db.execute(cols + "a.published IS NULL AND a.id < ? ORDER BY a.id DESC LIMIT 1",
                                     (article_id,))
            after = self.db.execute(cols + "a.published IS NULL AND a.id > ? ORDER BY a.id LIMIT 1",
                                    (article_id,))
        b, a = before.fetchone(), after.fetchone()
        return (dict(b) if b else None), (dict(a) if a else None)

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
        with search_budget(self.db, budget, cancelled) as check:
            rows = [dict(r) for r in self.db.execute(
                f"SELECT {ARTICLE_COLUMNS}, bm25(articles_fts) AS rank "
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                "JOIN outlets o ON o.id = a.outlet_id WHERE articles_fts MATCH ? "
                "ORDER BY rank LIMIT ? OFFSET ?",
                (fts_query(query), limit, offset))]
            check()
            shown = rows if snippets is None else rows[:snippets]
            windows = {r["id"]: (r["title"], r["text"]) for r in self.db.execute(
                f"SELECT id, substr(title, 1, {TITLE_WINDOW}) AS title, substr(text, 1, {SEARCH_WINDOW}) AS text "
                f"FROM articles WHERE id IN ({','.join('?' * len(shown))})", [r["id"] for r in shown])}
            check()
            marked = marked_windows(self._window_db(), query, windows, mark)
            check()
        for row in rows:
            title, text = windows.get(row["id"], (None, None))
            marked_title, marked_text = marked.get(row["id"], (title, text))
            row["snippet"] = snippet(marked_text or "", mark, words or SNIPPET_WORDS) if text is not None else ""
            row["title_marked"] = marked_title if marked_title is not None else row["title"]
        return rows

    def _window_db(self) -> sqlite3.Connection:
        db = self.__dict__.get("_windows")
        if db is None:
            db = self.__dict__["_windows"] = window_db()
        return db

    def outlets_overview(self) -> list[dict]:
        """Every outlet with its article count and newest article."""
        return [dict(r) for r in self.db.execute(
            "SELECT o.id, o.name, o.domain, COUNT(a.id) AS articles, "
            "MAX(a.published) AS latest, MAX(a.fetched) AS last_fetched "
            "FROM outlets o LEFT JOIN articles a ON a.outlet_id = o.id GROUP BY o.id ORDER BY o.name")]
