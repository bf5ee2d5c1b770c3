"""SQLite storage: one file, WAL journal, versioned schema.

Every method takes and returns model records or plain dicts, and all SQL is
parameterized, so a PostgreSQL store can offer the same methods.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storyline.extract import chrome
from storyline.model import Article
from storyline.storage.derived import DerivedStore, now
from storyline.storage.migrations import SQLITE as MIGRATIONS
from storyline.storage.reading import ARTICLE_COLUMNS, ReaderQueries



class SQLiteStore(ReaderQueries, DerivedStore):
    def __init__(self, path: str | Path):
        # The package defines StorageError before it imports this module.
        from storyline.storage import StorageError

        self.path = str(path) if str(path) == ":memory:" else str(Path(path).expanduser())
        if Path(self.path).is_dir():
            raise StorageError(f"{self.path} is a folder, not a database file")
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                      check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open {self.path}: {getattr(exc, 'strerror', None) or exc}") from exc
        try:
            self.db.row_factory = sqlite3.Row
            self.schema_version()  # refuses another program's database before anything is written to it
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StorageError(f"{self.path} is not a usable Storyline database ({exc})") from exc
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- schema ---------------------------------------------------------------

    def schema_version(self) -> int:
        """The last migration applied: 0 for a new, empty file. Another program's
        SQLite database (tables, none of them ours) is refused, never migrated."""
        from storyline.storage import StorageError

        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_migrations" not in tables:
            if tables:
                raise StorageError(f"{self.path} is an SQLite database but not a Storyline one")
            return 0
        row = self.db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def migrate(self) -> None:
        from storyline.storage import StorageError

        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise StorageError(f"{self.path} was written by a newer Storyline (schema version {current}, "
                               f"this one knows {len(MIGRATIONS)}); upgrade Storyline")
        for version, script in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction() as db:
                db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                           "(version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
                if db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                    continue  # another process opening the same new file got there first
                # executescript would commit on its own; run statement by statement
                for statement in _statements(script):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, now()))

    # -- outlets and feeds ----------------------------------------------------

    def outlet_id(self, name: str, domain: str | None = None) -> int:
        row = self.db.execute("SELECT id, domain FROM outlets WHERE name = ?", (name,)).fetchone()
        if row:
            if domain and not row["domain"]:
                self.db.execute("UPDATE outlets SET domain = ? WHERE id = ?", (domain, row["id"]))
            return row["id"]
        cur = self.db.execute(
            "INSERT INTO outlets (name, domain, created) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id",
            (name, domain, now()),
        )
        return cur.fetchone()[0]

    def add_feed(self, url: str) -> tuple[int, bool]:
        """The feed's id, and whether it is new."""
        row = self.db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        if row:
            return row["id"], False
        cur = self.db.execute("INSERT INTO feeds (url, created) VALUES (?, ?) RETURNING id", (url, now()))
        return cur.fetchone()[0], True

    def feed(self, url: str) -> dict | None:
        row = self.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def feeds(self) -> list[dict]:
        return [dict(r) for r in self.db.execute(
            "SELECT f.*, o.name AS outlet FROM feeds f LEFT JOIN outlets o ON o.id = f.outlet_id ORDER BY f.id"
        )]

    def feed_fetched(self, feed_id: int, *, status: str, error: str | None = None,
                     etag: str | None = None, last_modified: str | None = None,
                     title: str | None = None, site_url: str | None = None,
                     outlet: str | None = None) -> None:
        """Record a poll. Called only after the feed's items are stored, so a
        crash before it means the next poll sees the same items again."""
        outlet_id = self.outlet_id(outlet) if outlet else None
        if error:
            self.db.execute(
                "UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = ?, "
                "errors = errors + 1 WHERE id = ?",
                (now(), status, error, feed_id),
            )
            return
        self.db.execute(
            "UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = NULL, errors = 0, "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), "
            "title = COALESCE(?, title), site_url = COALESCE(?, site_url), "
            "outlet_id = COALESCE(?, outlet_id) WHERE id = ?",
            (now(), status, etag, last_modified, title, site_url, outlet_id, feed_id),
        )

    # -- articles -------------------------------------------------------------

    def find_duplicate(self, *, url: str | None = None, canonical_url: str | None = None,
                       content_hash: str | None = None) -> int | None:
        for column, value in (("canonical_url", canonical_url), ("url", url),
                              ("canonical_url", url), ("content_hash", content_hash)):
            if value:
                row = self.db.execute(f"SELECT id FROM articles WHERE {column} = ?", (value,)).fetchone()
                if row:
                    return row["id"]
        return None

    def insert_article(self, article: Article, outlet_domain: str | None = None) -> int:
        """Store one article and learn from its short lines, in one transaction.

        Lines that become chrome because of this article are removed from the
        outlet's earlier articles too.
        """
        stats = chrome.line_stats(article.raw_text)
        with self.transaction() as db:
            outlet_id = self.outlet_id(article.outlet, outlet_domain)
            cur = db.execute(
                "INSERT INTO articles (url, canonical_url, content_hash, outlet_id, title, author, "
                "published, language, raw_text, text, words, fetched, source, feed_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT id FROM feeds WHERE url = ?)) RETURNING id",
                (article.url, article.canonical_url, article.content_hash, outlet_id, article.title,
                 article.author, article.published, article.language, article.raw_text,
                 article.text, article.words, article.fetched or now(), article.source,
                 article.feed_url),
            )
            article_id = cur.fetchone()[0]
            before = self._chrome_among(outlet_id, [s.fingerprint for s in stats])
            for s in stats:
                db.execute(
                    "INSERT INTO outlet_lines (outlet_id, fingerprint, sentence, sample, pages) "
                    "VALUES (?, ?, ?, ?, 1) ON CONFLICT (outlet_id, fingerprint) "
                    "DO UPDATE SET pages = pages + 1",
                    (outlet_id, s.fingerprint, int(s.sentence), s.sample),
                )
                db.execute("INSERT OR IGNORE INTO article_lines VALUES (?, ?)",
                           (article_id, s.fingerprint))
            after = self._chrome_among(outlet_id, [s.fingerprint for s in stats])
            self._reclean_with((after - before) | self._newly_shared(outlet_id, stats),
                               also=article_id)
        article.id = article_id
        return article_id

    def _chrome_among(self, outlet_id: int, fingerprints: list[str]) -> set[str]:
        """Which of these lines count as chrome for the outlet, by the learned rule."""
        found: set[str] = set()
        for i in range(0, len(fingerprints), 500):
            chunk = fingerprints[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT fingerprint, MAX(sentence) AS sentence, "
                f"MAX(CASE WHEN outlet_id = ? THEN pages ELSE 0 END) AS pages, "
                f"COUNT(*) AS outlets FROM outlet_lines WHERE fingerprint IN ({marks}) "
                f"GROUP BY fingerprint",
                (outlet_id, *chunk),
            )
            for row in rows:
                if chrome.is_learned_chrome(bool(row["sentence"]), row["pages"], row["outlets"]):
                    found.add(row["fingerprint"])
        return found

    def _newly_shared(self, outlet_id: int, stats: list[chrome.LineStat]) -> set[str]:
        """Non-sentence lines this article just made common to enough outlets
        to count as chrome everywhere (their older pages need cleaning too)."""
        found = set()
        for s in stats:
            if s.sentence:
                continue
            row = self.db.execute(
                "SELECT COUNT(*) AS outlets, "
                "MAX(CASE WHEN outlet_id = ? THEN pages ELSE 0 END) AS pages "
                "FROM outlet_lines WHERE fingerprint = ?",
                (outlet_id, s.fingerprint),
            ).fetchone()
            if row["pages"] == 1 and row["outlets"] == chrome.OUTLETS_FOR_SHARED:
                found.add(s.fingerprint)
        return found

    def _reclean_with(self, new_chrome: set[str], also: int) -> None:
        ids = {also}
        for fp in new_chrome:
            ids.update(r[0] for r in self.db.execute(
                "SELECT article_id FROM article_lines WHERE fingerprint = ?", (fp,)))
        for article_id in sorted(ids):
            self.reclean(article_id)

    def reclean(self, article_id: int) -> None:
        row = self.db.execute(
            "SELECT outlet_id, title, raw_text, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        fps = [r[0] for r in self.db.execute(
            "SELECT fingerprint FROM article_lines WHERE article_id = ?", (article_id,))]
        text = chrome.clean(row["raw_text"], row["title"], self._chrome_among(row["outlet_id"], fps))
        if text and text != row["text"]:
            self.db.execute("UPDATE articles SET text = ?, words = ? WHERE id = ?",
                            (text, len(text.split()), article_id))
            self.db.execute("DELETE FROM summaries WHERE article_id = ?", (article_id,))

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def list_articles(self, limit: int = 100, offset: int = 0, outlet: str | None = None) -> list[dict]:
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id"
        params: list = []
        if outlet:
            sql += " WHERE o.name = ?"
            params.append(outlet)
        sql += " ORDER BY COALESCE(a.published, a.fetched) DESC, a.id DESC LIMIT ? OFFSET ?"
        params += [limit, offset]
        return [dict(r) for r in self.db.execute(sql, params)]

    def get_article(self, article_id: int) -> dict | None:
        row = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS}, a.text, a.raw_text FROM articles a "
            "JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return dict(row) if row else None

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text hits, best first, matches in the snippet wrapped in [ ]."""
        rows = self.search_page(query, limit=limit, mark=("[", "]"), words=12)
        return [{k: v for k, v in row.items() if k not in ("title_marked", "rank")} for row in rows]

    # -- stories --------------------------------------------------------------------

    def list_stories(self, since: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
        rows = self.db.execute(
            "SELECT id, title, first_seen, last_seen FROM stories "
            "WHERE (? IS NULL OR last_seen >= ?) ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?",
            (since, since, limit, offset),
        ).fetchall()
        stories = [self._story(row) for row in rows]
        for story in stories:
            story["articles"] = [a["id"] for a in story["articles"]]
        return stories

    def story_articles(self, story_id: int) -> list[dict]:
        """The story's articles in order of publication (undated ones by when they
        were added); `published` is null when the source gave no date, `added` is
        when Storyline stored the article."""
        return [dict(r) for r in self.db.execute(
            "SELECT a.id, o.name AS outlet, a.title, a.published, a.fetched AS added, a.url, a.duplicate_of "
            "FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id = ? "
            "ORDER BY COALESCE(a.published, a.fetched), a.id", (story_id,))]

    def get_story(self, story_id: int) -> dict | None:
        row = self.db.execute("SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?",
                              (story_id,)).fetchone()
        return self._story(row) if row else None

    def _story(self, row: sqlite3.Row) -> dict:
        """first_seen / last_seen span the members' publication times, or the
        time an undated member was added (see storyline.web.reader.story_times)."""
        members = self.story_articles(row["id"])
        return {"id": row["id"], "title": row["title"], "articles": members,
                "outlets": sorted({m["outlet"] for m in members}),
                "first_seen": row["first_seen"], "last_seen": row["last_seen"]}

    # -- failures ---------------------------------------------------------------

    def record_failure(self, source: str, error: str) -> None:
        self.db.execute("INSERT INTO failures (source, error, at) VALUES (?, ?, ?)",
                        (source, error, now()))

    def resolve_failures(self, source: str) -> None:
        self.db.execute("UPDATE failures SET resolved = ? WHERE source = ? AND resolved IS NULL",
                        (now(), source))

    def failures(self, unresolved_only: bool = True) -> list[dict]:
        sql = "SELECT * FROM failures"
        if unresolved_only:
            sql += " WHERE resolved IS NULL"
        return [dict(r) for r in self.db.execute(sql + " ORDER BY id")]


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
