"""storyline.storage on a real SQLite file."""
from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy.exc

from storyline.ingest import content_hash
from storyline.model import Article
from storyline.storage import Store, open_store, schema
from storyline.storage.legacy import SQLITE, statements


def _article(n: int, text: str | None = None, outlet: str = "Lakeside Gazette") -> Article:
    text = text or f"Story {n}: the harbour authority confirmed that ferry number {n} resumes on Monday."
    return Article(url=f"https://lakeside.example/{n}", canonical_url=f"https://lakeside.example/{n}",
                   title=f"Ferry {n} resumes", text=text, raw_text=text, outlet=outlet,
                   published=f"2026-11-{10 + n:02d}T08:00:00Z", content_hash=content_hash(text))


def test_schema_is_versioned_and_wal(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:
        assert store.schema_revision() == schema.HEAD == schema.revisions()[-1]
        assert store.scalar("PRAGMA journal_mode") == "wal"
    with Store(path) as again:  # reopening applies nothing twice
        assert again.scalar("SELECT COUNT(*) FROM alembic_version") == 1
        assert not schema.migrate(again.db)


def test_a_file_from_before_alembic_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # what milestone 1 wrote: schema versions 1-3 of the old scripts
        db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        for version, script in enumerate(SQLITE[:3], start=1):
            for statement in statements(script):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations VALUES (?, '2026-01-01T00:00:00Z')", (version,))
        db.execute("INSERT INTO outlets (name, created) VALUES ('Old Outlet', '2026-01-01T00:00:00Z')")
    with Store(path) as store:
        assert store.schema_revision() == schema.HEAD
        assert store.outlet_id("Old Outlet") == 1
        store.insert_article(_article(1))
        store.put_vectors(1, "m", "h", b"\x00\x01", "layout")  # a table of legacy version 6
        assert store.search("harbour")[0]["title"] == "Ferry 1 resumes"


def test_insert_list_get_and_unique_keys(store):
    ids = [store.insert_article(_article(n)) for n in range(3)]
    assert [r["id"] for r in store.list_articles()] == ids[::-1]  # newest first
    got = store.get_article(ids[1])
    assert got["outlet"] == "Lakeside Gazette" and got["words"] == len(got["text"].split())
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.insert_article(_article(1))  # same canonical URL and hash
    assert store.find_duplicate(content_hash=content_hash(_article(2).text.upper())) == ids[2]
    assert store.count_articles() == 3


def test_full_text_search_follows_updates(store):
    store.insert_article(_article(1, "The lighthouse keeper retired after forty years of service."))
    store.insert_article(_article(2, "Parliament debated the fishing quota until late at night."))
    hits = store.search("lighthouse")
    assert [h["title"] for h in hits] == ["Ferry 1 resumes"] and "[lighthouse]" in hits[0]["snippet"]
    assert store.search('quota" OR "x') == []  # user input is never FTS syntax
    store.execute("UPDATE articles SET text = 'Nothing about towers.' WHERE title = 'Ferry 1 resumes'")
    assert store.search("lighthouse") == []


def test_failed_insert_leaves_nothing_behind(store):
    store.insert_article(_article(1))
    before = store.scalar("SELECT COUNT(*) FROM outlet_lines")
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.insert_article(_article(1))
    assert store.scalar("SELECT COUNT(*) FROM outlet_lines") == before


def test_feed_state_and_failures(store):
    feed_id, new = store.add_feed("https://lakeside.example/rss")
    assert new and store.add_feed("https://lakeside.example/rss") == (feed_id, False)
    store.feed_fetched(feed_id, status="ok", etag='"1"', last_modified="Tue, 17 Nov 2026 08:00:00 GMT",
                       title="Lakeside")
    store.feed_fetched(feed_id, status="error", error="HTTP 500")
    feed = store.feed("https://lakeside.example/rss")
    assert (feed["etag"], feed["last_error"], feed["errors"], feed["title"]) == ('"1"', "HTTP 500", 1, "Lakeside")
    store.record_failure("x.html", "broken")
    assert [f["error"] for f in store.failures()] == ["broken"]
    store.resolve_failures("x.html")
    assert store.failures() == [] and len(store.failures(unresolved_only=False)) == 1


def test_open_store_locations(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        assert store.count_articles() == 0
    with pytest.raises(ValueError, match="unsupported"):
        open_store("mysql://somewhere/db")
