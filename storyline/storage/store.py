"""The store: one connection to SQLite (a file, WAL journal) or PostgreSQL, one
schema kept by Alembic, and every query the stages need.

Every method takes and returns model records or plain dicts; stages never see SQL.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy.exc

from storyline.extract import chrome
from storyline.model import Article
from storyline.storage import schema
from storyline.storage.database import Database, database_url
from storyline.storage.accounts import AccountQueries
from storyline.storage.derived import DerivedStore, now
from storyline.storage.jobs import JobQueries
from storyline.storage.stories import PlacingQueries
from storyline.storage.reading import ARTICLE_COLUMNS, ReaderQueries

CHUNK = 500  # values per IN (...) list


class Store(ReaderQueries, DerivedStore, PlacingQueries, JobQueries, AccountQueries):
    def __init__(self, location: str | Path):
        # The package defines StorageError before it imports this module.
        from storyline.storage import StorageError

        url = database_url(str(location))
        self.location = str(location)
        if url.get_backend_name() == "sqlite":
            path = url.database or ""
            if path != ":memory:":
                path = str(Path(path).expanduser())
                url = url.set(database=path)
                if Path(path).is_dir():
                    raise StorageError(f"{path} is a folder, not a database file")
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StorageError(f"cannot open {path}: {exc.strerror or exc}") from exc
            self.path = path
        else:
            self.path = url.set(drivername="postgresql").render_as_string(hide_password=True)
        try:
            self.db = Database(url)
        except sqlalchemy.exc.DatabaseError as exc:
            if isinstance(exc.orig, sqlite3.DatabaseError) and not isinstance(exc.orig, sqlite3.OperationalError):
                raise StorageError(f"{self.path} is not a usable Storyline database ({_reason(exc)})") from exc
            raise StorageError(f"cannot open {self.path}: {_reason(exc)}") from exc
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise StorageError(f"cannot open {self.path}: {_reason(exc)}") from exc
        try:
            if self.db.dialect == "sqlite":
                schema.current(self.db)  # refuses another program's file before anything is written to it
                self.db.conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            schema.migrate(self.db)
        except schema.ForeignDatabase:
            self.db.close()
            kind = "a PostgreSQL" if self.db.is_postgres else "an SQLite"
            raise StorageError(f"{self.path} is {kind} database but not a Storyline one") from None
        except schema.SchemaTooNew as exc:
            self.db.close()
            raise StorageError(f"{self.path} was written by a newer Storyline (schema {exc}, this one "
                               f"knows up to {schema.HEAD}); upgrade Storyline") from None
        except sqlalchemy.exc.SQLAlchemyError as exc:
            self.db.close()
            raise StorageError(f"{self.path} is not a usable Storyline database ({_reason(exc)})") from exc
        except BaseException:
            self.db.close()
            raise

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self.db.transaction() as db:
            yield db

    def schema_revision(self) -> str | None:
        return schema.current(self.db)

    # For tests, benchmarks and `copy`: plain SQL on the store's connection.
    def execute(self, sql: str, params: dict | None = None) -> int:
        return self.db.execute(sql, params)

    def rows(self, sql: str, params: dict | None = None) -> list[dict]:
        return self.db.rows(sql, params)

    def scalar(self, sql: str, params: dict | None = None):
        return self.db.scalar(sql, params)

    # -- outlets and feeds ----------------------------------------------------

    def outlet_id(self, name: str, domain: str | None = None) -> int:
        row = self.db.row("SELECT id, domain FROM outlets WHERE name = :name", {"name": name})
        if row:
            if domain and not row["domain"]:
                self.db.execute("UPDATE outlets SET domain = :domain WHERE id = :id", {"domain": domain, "id": row["id"]})
            return row["id"]
        return self.db.scalar(
            "INSERT INTO outlets (name, domain, created) VALUES (:name, :domain, :created) "
            "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
            {"name": name, "domain": domain, "created": now()})

    def add_feed(self, url: str) -> tuple[int, bool]:
        """The feed's id, and whether it is new."""
        found = self.db.scalar("SELECT id FROM feeds WHERE url = :url", {"url": url})
        if found is not None:
            return found, False
        new = self.db.scalar("INSERT INTO feeds (url, created) VALUES (:url, :created) "
                             "ON CONFLICT (url) DO NOTHING RETURNING id", {"url": url, "created": now()})
        if new is None:  # another writer added it just now
            return self.db.scalar("SELECT id FROM feeds WHERE url = :url", {"url": url}), False
        return new, True

    def feed(self, url: str) -> dict | None:
        return self.db.row("SELECT * FROM feeds WHERE url = :url", {"url": url})

    def feeds(self) -> list[dict]:
        return self.db.rows(
            "SELECT f.*, o.name AS outlet FROM feeds f LEFT JOIN outlets o ON o.id = f.outlet_id ORDER BY f.id")

    def feed_fetched(self, feed_id: int, *, status: str, error: str | None = None,
                     etag: str | None = None, last_modified: str | None = None,
                     title: str | None = None, site_url: str | None = None,
                     outlet: str | None = None, hint_every: int | None = None,
                     validators: bool = True) -> None:
        """Record a poll. Called only after the feed's items are stored, so a
        crash before it means the next poll sees the same items again.
        `validators=False` (some items failed) forgets the feed's ETag and
        Last-Modified, so the next poll is a full GET that retries them."""
        outlet_id = self.outlet_id(outlet) if outlet else None
        if error:
            self.db.execute(
                "UPDATE feeds SET last_fetched = :at, last_status = :status, last_error = :error, "
                "errors = errors + 1 WHERE id = :id",
                {"at": now(), "status": status, "error": error, "id": feed_id})
            return
        self.db.execute(
            "UPDATE feeds SET last_fetched = :at, last_status = :status, last_error = NULL, errors = 0, "
            + ("etag = COALESCE(:etag, etag), last_modified = COALESCE(:last_modified, last_modified), "
               if validators else "etag = NULL, last_modified = NULL, ") +
            "title = COALESCE(:title, title), site_url = COALESCE(:site_url, site_url), "
            "outlet_id = COALESCE(:outlet_id, outlet_id), hint_every = COALESCE(:hint, hint_every) WHERE id = :id",
            {"at": now(), "status": status, "etag": etag, "last_modified": last_modified, "title": title,
             "site_url": site_url, "outlet_id": outlet_id, "hint": hint_every, "id": feed_id})

    # -- articles -------------------------------------------------------------

    def find_duplicate(self, *, url: str | None = None, canonical_url: str | None = None,
                       content_hash: str | None = None) -> int | None:
        for column, value in (("canonical_url", canonical_url), ("url", url),
                              ("canonical_url", url), ("content_hash", content_hash)):
            if value:
                found = self.db.scalar(f"SELECT id FROM articles WHERE {column} = :value LIMIT 1",
                                       {"value": value})
                if found is not None:
                    return found
        return None

    def insert_article(self, article: Article, outlet_domain: str | None = None) -> int:
        """Store one article and learn from its short lines, in one transaction.

        Lines that become chrome because of this article are removed from the
        outlet's earlier articles too. A unique value another writer stored first
        raises sqlalchemy.exc.IntegrityError and stores nothing.
        """
        stats = chrome.line_stats(article.raw_text)
        with self.transaction() as db:
            outlet_id = self.outlet_id(article.outlet, outlet_domain)
            article_id = db.scalar(
                "INSERT INTO articles (url, canonical_url, content_hash, outlet_id, title, author, "
                "published, language, raw_text, text, words, fetched, source, feed_id) "
                "VALUES (:url, :canonical_url, :content_hash, :outlet_id, :title, :author, :published, "
                ":language, :raw_text, :text, :words, :fetched, :source, "
                "(SELECT id FROM feeds WHERE url = :feed_url)) RETURNING id",
                {"url": article.url, "canonical_url": article.canonical_url,
                 "content_hash": article.content_hash, "outlet_id": outlet_id, "title": article.title,
                 "author": article.author, "published": article.published, "language": article.language,
                 "raw_text": article.raw_text, "text": article.text, "words": article.words,
                 "fetched": article.fetched or now(), "source": article.source,
                 "feed_url": article.feed_url})
            # Sorted, so two writers touching the same lines lock them in one order.
            stats = sorted({s.fingerprint: s for s in stats}.values(), key=lambda s: s.fingerprint)
            before = self._chrome_among(outlet_id, [s.fingerprint for s in stats])
            db.executemany(
                "INSERT INTO outlet_lines (outlet_id, fingerprint, sentence, sample, pages) "
                "VALUES (:outlet_id, :fingerprint, :sentence, :sample, 1) ON CONFLICT (outlet_id, fingerprint) "
                "DO UPDATE SET pages = outlet_lines.pages + 1",
                [{"outlet_id": outlet_id, "fingerprint": s.fingerprint, "sentence": int(s.sentence),
                  "sample": s.sample} for s in stats])
            db.executemany(
                "INSERT INTO article_lines (article_id, fingerprint) VALUES (:article_id, :fingerprint) "
                "ON CONFLICT DO NOTHING",
                [{"article_id": article_id, "fingerprint": s.fingerprint} for s in stats])
            after = self._chrome_among(outlet_id, [s.fingerprint for s in stats])
            self._reclean_with((after - before) | self._newly_shared(outlet_id, stats), also=article_id)
        article.id = article_id
        return article_id

    def _chrome_among(self, outlet_id: int, fingerprints: list[str]) -> set[str]:
        """Which of these lines count as chrome for the outlet, by the learned rule."""
        found: set[str] = set()
        for i in range(0, len(fingerprints), CHUNK):
            rows = self.db.rows(
                "SELECT fingerprint, MAX(sentence) AS sentence, "
                "MAX(CASE WHEN outlet_id = :outlet_id THEN pages ELSE 0 END) AS pages, "
                "COUNT(*) AS outlets FROM outlet_lines WHERE fingerprint IN :fingerprints "
                "GROUP BY fingerprint",
                {"outlet_id": outlet_id, "fingerprints": fingerprints[i:i + CHUNK]})
            for row in rows:
                if chrome.is_learned_chrome(bool(row["sentence"]), row["pages"], row["outlets"]):
                    found.add(row["fingerprint"])
        return found

    def _newly_shared(self, outlet_id: int, stats: list[chrome.LineStat]) -> set[str]:
        """Non-sentence lines this article just made common to enough outlets
        to count as chrome everywhere (their older pages need cleaning too)."""
        lines = [s.fingerprint for s in stats if not s.sentence]
        found = set()
        for i in range(0, len(lines), CHUNK):
            for row in self.db.rows(
                    "SELECT fingerprint, COUNT(*) AS outlets, "
                    "MAX(CASE WHEN outlet_id = :outlet_id THEN pages ELSE 0 END) AS pages "
                    "FROM outlet_lines WHERE fingerprint IN :fingerprints GROUP BY fingerprint",
                    {"outlet_id": outlet_id, "fingerprints": lines[i:i + CHUNK]}):
                if row["pages"] == 1 and row["outlets"] == chrome.OUTLETS_FOR_SHARED:
                    found.add(row["fingerprint"])
        return found

    def _reclean_with(self, new_chrome: set[str], also: int) -> None:
        ids = {also}
        for fp in sorted(new_chrome):
            ids.update(self.db.column("SELECT article_id FROM article_lines WHERE fingerprint = :fp", {"fp": fp}))
        for article_id in sorted(ids):
            self.reclean(article_id)

    def reclean(self, article_id: int) -> None:
        row = self.db.row("SELECT outlet_id, title, raw_text, text FROM articles WHERE id = :id", {"id": article_id})
        fps = self.db.column("SELECT fingerprint FROM article_lines WHERE article_id = :id", {"id": article_id})
        text = chrome.clean(row["raw_text"], row["title"], self._chrome_among(row["outlet_id"], fps))
        if text and text != row["text"]:
            with self.transaction() as db:
                db.execute("UPDATE articles SET text = :text, words = :words WHERE id = :id",
                           {"text": text, "words": len(text.split()), "id": article_id})
                db.execute("DELETE FROM summaries WHERE article_id = :id", {"id": article_id})

    def count_articles(self) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM articles")

    def count_stories(self) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM stories")

    def list_articles(self, limit: int = 100, offset: int = 0, outlet: str | None = None) -> list[dict]:
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN outlets o ON o.id = a.outlet_id"
        if outlet:
            sql += " WHERE o.name = :outlet"
        sql += " ORDER BY COALESCE(a.published, a.fetched) DESC, a.id DESC LIMIT :limit OFFSET :offset"
        return self.db.rows(sql, {"outlet": outlet, "limit": limit, "offset": offset})

    def get_article(self, article_id: int) -> dict | None:
        return self.db.row(
            f"SELECT {ARTICLE_COLUMNS}, a.text, a.raw_text FROM articles a "
            "JOIN outlets o ON o.id = a.outlet_id WHERE a.id = :id", {"id": article_id})

    def article_story(self, article_id: int) -> int | None:
        return self.db.scalar("SELECT story_id FROM articles WHERE id = :id", {"id": article_id})

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text hits, best first, matches in the snippet wrapped in [ ]."""
        rows = self.search_page(query, limit=limit, mark=("[", "]"), words=12)
        return [{k: v for k, v in row.items() if k not in ("title_marked", "rank")} for row in rows]

    # -- stories --------------------------------------------------------------------

    def list_stories(self, since: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
        rows = self.db.rows(
            "SELECT id, title, first_seen, last_seen FROM stories "
            "WHERE (CAST(:since AS TEXT) IS NULL OR last_seen >= :since) "
            f"ORDER BY last_seen DESC {self._nulls_last}, id DESC LIMIT :limit OFFSET :offset",
            {"since": since, "limit": limit, "offset": offset})
        stories = self._stories(rows)
        for story in stories:
            story["articles"] = [a["id"] for a in story["articles"]]
        return stories

    def story_articles(self, story_id: int) -> list[dict]:
        """The story's articles in order of publication (undated ones by when they
        were added); `published` is null when the source gave no date, `added` is
        when Storyline stored the article."""
        return self.db.rows(
            "SELECT a.id, o.name AS outlet, a.title, a.published, a.fetched AS added, a.url, a.duplicate_of "
            "FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id = :id "
            "ORDER BY COALESCE(a.published, a.fetched), a.id", {"id": story_id})

    def get_story(self, story_id: int, members: list[dict] | None = None) -> dict | None:
        """The story with its articles (`members`: its story_articles, when the caller has them)."""
        row = self.db.row("SELECT id, title, first_seen, last_seen FROM stories WHERE id = :id", {"id": story_id})
        return self._story(row, members) if row else None

    def _story(self, row: dict, members: list[dict] | None = None) -> dict:
        """first_seen / last_seen span the members' publication times, or the
        time an undated member was added (see storyline.web.reader.story_times)."""
        members = self.story_articles(row["id"]) if members is None else members
        return {"id": row["id"], "title": row["title"], "articles": members,
                "outlets": sorted({m["outlet"] for m in members}),
                "first_seen": row["first_seen"], "last_seen": row["last_seen"]}

    def _stories(self, rows: list[dict]) -> list[dict]:
        """Story records for these rows, their members read in one query, not one a story."""
        members: dict[int, list[dict]] = {r["id"]: [] for r in rows}
        ids = list(members)
        for i in range(0, len(ids), CHUNK):
            for m in self.db.rows(
                    "SELECT a.story_id, a.id, o.name AS outlet, a.title, a.published, a.fetched AS added, a.url, "
                    "a.duplicate_of FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id IN :ids "
                    "ORDER BY COALESCE(a.published, a.fetched), a.id", {"ids": ids[i:i + CHUNK]}):
                members[m.pop("story_id")].append(m)
        return [self._story(row, members[row["id"]]) for row in rows]

    # -- failures ---------------------------------------------------------------

    def record_failure(self, source: str, error: str) -> None:
        self.db.execute("INSERT INTO failures (source, error, at) VALUES (:source, :error, :at)",
                        {"source": source, "error": error, "at": now()})

    def resolve_failures(self, source: str) -> None:
        self.db.execute("UPDATE failures SET resolved = :at WHERE source = :source AND resolved IS NULL",
                        {"at": now(), "source": source})

    def failures(self, unresolved_only: bool = True) -> list[dict]:
        sql = "SELECT * FROM failures"
        if unresolved_only:
            sql += " WHERE resolved IS NULL"
        return self.db.rows(sql + " ORDER BY id")


def _reason(exc: Exception) -> str:
    """The driver's own message, first line (SQLAlchemy appends SQL and a link)."""
    inner = getattr(exc, "orig", None) or exc
    return (str(inner).strip().splitlines() or [type(inner).__name__])[0]
