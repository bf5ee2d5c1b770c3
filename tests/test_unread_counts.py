"""Unread counts kept by the database (migration 0005, tables article_counts and
read_counts, kept by triggers): after every writer of articles and read state,
the kept counts equal a fresh count, and the reader's unread counts equal
counting the articles one by one (both databases)."""
from __future__ import annotations

from alembic import command

from storyline.fever import marks
from storyline.greader import queries as greader
from storyline.model import Article
from storyline.storage import Store, open_store, schema
from storyline.storage.copy import copy_database
from storyline.web import queries as web

FEEDS = ["https://valley.example/feed.xml", "https://harbor.example/feed.xml"]
EARLY, LATE = "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"
NO_DRIFT = {"article_counts": [], "read_counts": []}


def add_article(store: Store, number: int, outlet: str, feed_url: str | None = None, fetched: str = EARLY) -> int:
    text = f"Article {number} tells what happened at the harbour on day {number}."
    return store.insert_article(Article(url=f"https://news.example/{number}", title=f"Day {number}", text=text,
                                        raw_text=text, outlet=outlet, feed_url=feed_url, fetched=fetched,
                                        content_hash=f"hash-{number}"))


def fill(store: Store) -> dict:
    """Two feeds, articles of each and of no feed in three outlets, two users, one story."""
    feeds = [store.add_feed(url)[0] for url in FEEDS]
    layout = [("Valley Wire", FEEDS[0])] * 6 + [("Harbor Ledger", FEEDS[1])] * 6 + \
             [("Valley Wire", None)] * 3 + [("Lakeside Gazette", None)] * 3
    ids = [add_article(store, i, outlet, feed, EARLY if i % 2 else LATE) for i, (outlet, feed) in enumerate(layout)]
    story = store.scalar("INSERT INTO stories (title, size, centroid, members, updated) "
                         "VALUES ('A story', 4, '{}', '[]', :at) RETURNING id", {"at": EARLY})
    store.execute("UPDATE articles SET story_id = :story WHERE id IN :ids", {"story": story, "ids": ids[4:8]})
    users = [store.add_user(name, None, "reader") for name in ("alice", "bob")]
    return {"feeds": feeds, "ids": ids, "story": story, "users": users}


def counted_one_by_one(store: Store, user_id: int, hiding: bool = True) -> dict:
    """What unread_counts must say (with hiding=False: what the sources page
    counts), counted over every article and read mark."""
    hidden = ("WHERE NOT EXISTS (SELECT 1 FROM user_feeds f WHERE f.user_id = :user AND f.feed_id = a.feed_id "
              "AND f.hidden = 1) AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = :user "
              "AND m.kind = 'outlet' AND m.value = o.name) ") if hiding else ""
    rows = store.rows(
        "SELECT a.feed_id, o.name AS outlet, SUM(CASE WHEN EXISTS (SELECT 1 FROM article_state s WHERE "
        "s.user_id = :user AND s.article_id = a.id AND s.read = 1) THEN 0 ELSE 1 END) AS unread "
        f"FROM articles a JOIN outlets o ON o.id = a.outlet_id {hidden}GROUP BY a.feed_id, o.name", {"user": user_id})
    feeds: dict[int, int] = {}
    outlets: dict[str, int] = {}
    for row in rows:
        if row["feed_id"] is not None:
            feeds[row["feed_id"]] = feeds.get(row["feed_id"], 0) + row["unread"]
        outlets[row["outlet"]] = outlets.get(row["outlet"], 0) + row["unread"]
    return {"total": sum(outlets.values()), "feeds": feeds, "outlets": outlets}


def assert_kept(store: Store, users: list[int]) -> None:
    assert store.unread_count_drift() == NO_DRIFT
    for user in users:
        expected = counted_one_by_one(store, user)
        assert store.unread_counts(user) == expected
        assert web.unread_total(store, user) == expected["total"]
        everything = counted_one_by_one(store, user, hiding=False)
        assert web.unread_by_outlet_and_feed(store, user) == (everything["outlets"], everything["feeds"])


def test_every_writer_of_read_state_keeps_the_counts(store):
    data = fill(store)
    alice, bob = data["users"]
    ids, feed, story = data["ids"], data["feeds"][0], data["story"]
    assert_kept(store, data["users"])
    steps = [
        lambda: store.set_read(alice, ids[:3]),
        lambda: store.set_read(alice, ids[:3]),  # again: nothing changes
        lambda: store.set_saved(alice, ids[2:5]),  # a state row that is not read, then one read and saved
        lambda: store.set_read(alice, ids[3:5]),
        lambda: store.set_read(alice, [ids[0], ids[4]], read=False),
        lambda: store.mark_all_read(bob, before=EARLY, feed_id=feed),
        lambda: store.mark_all_read(bob, outlet="Lakeside Gazette"),
        lambda: store.read_story(alice, story),
        lambda: store.unread_story(alice, story),
        lambda: greader.mark_stories_read(store, bob, [story]),
        lambda: marks.mark_item(store, alice, ids[14], "read"),
        lambda: marks.mark_feed_read(store, alice, data["feeds"][1], LATE),
        lambda: marks.unread_recently_read(store, alice),
        lambda: marks.mark_group_read(store, alice, 0, EARLY),
        lambda: store.execute("UPDATE article_state SET read = 1 - read WHERE user_id = :user", {"user": bob}),
        lambda: store.set_feed_prefs(alice, feed, hidden=True),
        lambda: store.mute(bob, "outlet", "Harbor Ledger"),
        lambda: store.mark_all_read(alice),
    ]
    for step in steps:
        step()
        assert_kept(store, data["users"])
    assert store.unread_counts(alice)["total"] == 0 and store.unread_counts(bob)["total"] > 0


def test_articles_added_moved_and_removed_keep_the_counts(store):
    data = fill(store)
    alice, bob = data["users"]
    ids = data["ids"]
    store.set_read(alice, ids[:8])
    store.set_read(bob, ids[4:10])
    assert_kept(store, data["users"])
    add_article(store, 100, "Harbor Ledger", FEEDS[1])  # a new article, unread by everyone
    add_article(store, 101, "A New Outlet")
    assert_kept(store, data["users"])
    # Moved to another feed and outlet, read by both: both users' counts move with it.
    store.execute("UPDATE articles SET feed_id = :feed, "
                  "outlet_id = (SELECT id FROM outlets WHERE name = 'A New Outlet') WHERE id = :id", {"feed": data["feeds"][1], "id": ids[5]})
    store.execute("UPDATE articles SET feed_id = NULL WHERE id = :id", {"id": ids[6]})
    assert_kept(store, data["users"])
    # Removed: its read marks go by ON DELETE CASCADE, and with them from both users' counts.
    before = store.unread_counts(alice)["total"], store.unread_counts(bob)["total"]
    store.execute("DELETE FROM articles WHERE id IN :ids", {"ids": [ids[4], ids[10]]})  # read by both; by neither
    assert_kept(store, data["users"])
    assert (store.unread_counts(alice)["total"], store.unread_counts(bob)["total"]) == (before[0] - 1, before[1] - 1)


def test_removing_a_user_removes_their_counts(store):
    data = fill(store)
    alice, bob = data["users"]
    store.set_read(alice, data["ids"][:5])
    store.set_read(bob, data["ids"][:7])
    assert store.remove_user(bob)
    assert store.scalar("SELECT COUNT(*) FROM read_counts WHERE user_id = :user", {"user": bob}) == 0
    assert_kept(store, [alice])
    carol = store.add_user("carol", None, "reader")  # SQLite may hand out bob's id again
    assert store.unread_counts(carol)["total"] == len(data["ids"])
    assert_kept(store, [alice, carol])


def test_a_count_that_drifted_is_found(store):
    data = fill(store)
    store.set_read(data["users"][0], data["ids"][:2])
    store.execute("UPDATE read_counts SET n = n + 1 WHERE user_id = :user", {"user": data["users"][0]})
    assert store.unread_count_drift()["read_counts"]
    store.execute("DELETE FROM article_counts")
    assert len(store.unread_count_drift()["article_counts"]) == 4  # the (feed, outlet) pairs of fill()


def test_the_migration_counts_what_a_0004_database_holds(database):
    with Store(database) as store:
        data = fill(store)
        store.set_read(data["users"][0], data["ids"][:5])
        with store.transaction() as db:
            command.downgrade(schema.alembic_config(db), "0004")
        assert store.schema_revision() == "0004"
        # Written at 0004, where no trigger counts.
        store.set_read(data["users"][1], data["ids"][3:12])
        store.execute("UPDATE article_state SET read = 0 WHERE user_id = :user AND article_id = :id",
                      {"user": data["users"][0], "id": data["ids"][0]})
        store.execute("INSERT INTO articles (content_hash, outlet_id, feed_id, title, raw_text, text, words, fetched) "
                      "SELECT 'hash-x', outlet_id, feed_id, 'Later', 'Later.', 'Later.', 1, :at FROM articles "
                      "WHERE id = :id", {"at": LATE, "id": data["ids"][0]})
    with open_store(database) as store:  # opening migrates to the head again
        assert store.schema_revision() == schema.HEAD
        assert store.scalar("SELECT COUNT(*) FROM read_counts") > 0
        assert_kept(store, data["users"])
        store.set_read(data["users"][0], data["ids"])  # and the triggers are back
        assert_kept(store, data["users"])


def test_copy_rebuilds_the_counts_once(store, tmp_path):
    data = fill(store)
    store.set_read(data["users"][0], data["ids"][:9])
    store.set_read(data["users"][1], data["ids"][7:])
    with open_store(str(tmp_path / "copy.db")) as target:
        copy_database(store, target)
        assert_kept(target, data["users"])
        kept = "SELECT * FROM {} WHERE n > 0 ORDER BY 1, 2, 3"
        assert target.rows(kept.format("article_counts")) == store.rows(kept.format("article_counts"))
        assert target.rows(kept.format("read_counts")) == store.rows(kept.format("read_counts"))
