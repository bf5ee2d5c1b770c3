"""storyline.storage on a real SQLite file."""
from __future__ import annotations

import sqlite3

import pytest

from storyline.ingest import content_hash
from storyline.model import Article
from storyline.storage import SQLiteStore, open_store
from storyline.storage.migrations import SQLITE


def _article(n: int, text: str | None = None, outlet: str = "Lakeside Gazette") -> Article:
    text = text or f"Story {n}: the harbour authority confirmed that ferry number {n} resumes on Monday."
    return Article(url=f"https://lakeside.example/{n}", canonical_url=f"https://lakeside.example/{n}",
                   title=f"Ferry {n} resumes", text=text, raw_text=text, outlet=outlet,
                   published=f"2026-11-{10 + n:02d}T08:00:00Z", content_hash=content_hash(text))


def test_schema_is_versioned_and_wal(tmp_path):
    path = tmp_path / "a.db"
    with SQLiteStore(path) as store:
        assert store.schema_version() == len(SQLITE)
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with SQLiteStore(path) as again:  # reopening applies nothing twice
        rows = again.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
        assert rows == len(SQLITE)


def test_insert_list_get_and_unique_keys(store):
    ids = [store.insert_article(_article(n)) for n in range(3)]
    assert [r["id"] for r in store.list_articles()] == ids[::-1]  # newest first
    got = store.get_article(ids[1])
    assert got["outlet"] == "Lakeside Gazette" and got["words"] == len(got["text"].split())
    with pytest.raises(sqlite3.IntegrityError):
        store.insert_article(_article(1))  # same canonical URL and hash
    assert store.find_duplicate(content_hash=content_hash(_article(2).text.upper())) == ids[2]
    assert store.count_articles() == 3


def test_full_text_search_follows_updates(store):
    store.insert_article(_article(1, "The lighthouse keeper retired after forty years of service."))
    store.insert_article(_article(2, "Parliament debated the fishing quota until late at night."))
    hits = store.search("lighthouse")
    assert [h["title"] for h in hits] == ["Ferry 1 resumes"] and "[lighthouse]" in hits[0]["snippet"]
    assert store.search('quota" OR "x') == []  # user input is never FTS syntax
    store.db.execute("UPDATE articles SET text = 'Nothing about towers.' WHERE title = 'Ferry 1 resumes'")
    assert store.search("lighthouse") == []


def test_failed_insert_leaves_nothing_behind(store):
    store.insert_article(_article(1))
    before = store.db.execute("SELECT COUNT(*) FROM outlet_lines").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        store.insert_article(_article(1))
    assert store.db.execute("SELECT COUNT(*) FROM outlet_lines").fetchone()[0] == before


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
