"""storyline.accounts and each user's state in the store (both databases)."""
from __future__ import annotations

import json
import os

import pytest

from storyline import accounts
from storyline.cli import main
from storyline.ingest import Ingestor

from .conftest import DEMO, offline


@pytest.fixture
def loaded(store):
    with Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO / "valley-wire"), str(DEMO / "harbor-ledger")]).added > 5
    return store


def test_passwords_are_argon2_and_checked(store):
    alice = accounts.create_user(store, "alice", "correct horse", admin=True)
    stored = store.user(name="alice")["password"]
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert accounts.authenticate(store, "alice", "correct horse") == alice and alice.admin
    assert accounts.authenticate(store, "alice", "wrong horse") is None
    assert accounts.authenticate(store, "nobody", "correct horse") is None
    assert accounts.authenticate(store, accounts.LOCAL_USER, "") is None
    with pytest.raises(accounts.AccountError, match="already"):
        accounts.create_user(store, "alice", "another password")
    with pytest.raises(accounts.AccountError, match="8 characters"):
        accounts.create_user(store, "bob", "short")
    with pytest.raises(accounts.AccountError, match="user name"):
        accounts.create_user(store, "bad name<script>", "long enough")


def test_sessions_and_tokens_are_stored_only_as_digests(store):
    bob = accounts.create_user(store, "bob", "a long password")
    cookie, csrf = accounts.start_session(store, bob)
    token = accounts.issue_token(store, bob, "newsboat")
    dump = json.dumps(store.rows("SELECT * FROM sessions") + store.rows("SELECT * FROM api_tokens"))
    assert cookie not in dump and token not in dump
    assert accounts.session_user(store, cookie) == (bob, csrf)
    assert accounts.token_user(store, token) == bob
    assert accounts.token_user(store, token + "x") is None and accounts.session_user(store, "x" * 500) is None
    assert accounts.csrf_ok(csrf, csrf) and not accounts.csrf_ok(csrf, csrf[:-1] + "?") and not accounts.csrf_ok(csrf, None)
    accounts.change_password(store, "bob", "a new long password")
    assert accounts.session_user(store, cookie) is None  # a new password ends the old sessions
    accounts.end_session(store, cookie)


def test_each_user_has_their_own_state(loaded):
    store = loaded
    alice = accounts.create_user(store, "alice", "alice's password")
    bob = accounts.create_user(store, "bob", "bob's password")
    ids = [a["id"] for a in store.list_articles(limit=100)]
    total = len(ids)
    store.set_read(alice.id, ids[:3])
    store.set_saved(alice.id, [ids[0]])
    assert store.unread_counts(alice.id)["total"] == total - 3
    assert store.unread_counts(bob.id)["total"] == total
    assert store.article_flags(alice.id, ids[:2])[ids[0]] == {"read": True, "saved": True}
    assert store.article_flags(bob.id, ids[:2])[ids[0]] == {"read": False, "saved": False}
    assert store.saved(alice.id) == [ids[0]] and store.saved(bob.id) == []
    store.set_read(alice.id, [ids[0]], read=False)
    assert store.article_flags(alice.id, [ids[0]])[ids[0]] == {"read": False, "saved": True}
    # Mark all read before a time: what arrives later stays unread.
    assert store.mark_all_read(bob.id, before="2000-01-01T00:00:00Z") == 0
    assert store.mark_all_read(bob.id) == total
    assert store.unread_counts(bob.id)["total"] == 0 and store.unread_counts(alice.id)["total"] == total - 2
    # Opening a story marks it and its articles read, for that user only.
    story = store.list_stories()[0]
    store.read_story(alice.id, story["id"])
    assert store.stories_read(alice.id, [story["id"]]) == {story["id"]}
    assert all(f["read"] for f in store.article_flags(alice.id, story["articles"]).values())
    assert store.stories_read(bob.id, [story["id"]]) == set()
    # Opening it again writes nothing, unless one of its articles is unread again.
    writes = store.scalar("SELECT COUNT(*) FROM article_state WHERE user_id = :u", {"u": alice.id})
    store.execute("UPDATE story_state SET read_at = 'opened before' WHERE user_id = :u", {"u": alice.id})
    store.read_story(alice.id, story["id"])
    assert store.scalar("SELECT read_at FROM story_state WHERE user_id = :u", {"u": alice.id}) == "opened before"
    store.set_read(alice.id, story["articles"][:1], read=False)
    store.read_story(alice.id, story["id"])
    assert store.scalar("SELECT read_at FROM story_state WHERE user_id = :u", {"u": alice.id}) != "opened before"
    assert all(f["read"] for f in store.article_flags(alice.id, story["articles"]).values())
    assert store.scalar("SELECT COUNT(*) FROM article_state WHERE user_id = :u", {"u": alice.id}) == writes
    # Folders, titles, hidden feeds and mutes are per user as well.
    feed_id, _ = store.add_feed("https://feeds.example/news.xml")
    store.set_feed_prefs(alice.id, feed_id, title="Mine", folder="Local")
    assert store.folders(alice.id) == ["Local"] and store.folders(bob.id) == []
    assert [f["title"] for f in store.user_feeds(alice.id)] == ["Mine"]
    store.set_feed_prefs(bob.id, feed_id, hidden=True)
    assert store.user_feeds(bob.id) == [] and len(store.user_feeds(bob.id, include_hidden=True)) == 1
    store.mute(alice.id, "keyword", "warehouse")
    store.mute(alice.id, "outlet", "Harbor Ledger")
    assert store.mutes(alice.id) == {"keyword": ["warehouse"], "outlet": ["Harbor Ledger"]}
    assert store.mutes(bob.id) == {"keyword": [], "outlet": []}
    assert "Harbor Ledger" not in store.unread_counts(alice.id)["outlets"]
    assert store.remove_user(alice.id) and store.article_flags(bob.id, ids[:1])[ids[0]]["read"]


def test_user_command(database, capsys, monkeypatch):
    monkeypatch.setenv("STORYLINE_PASSWORD", "a long password")
    assert main(["--db", database, "user", "add", "carol", "--admin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["role"] == "admin"
    assert main(["--db", database, "user", "token", "carol", "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["token"]
    assert main(["--db", database, "user", "list", "--json"]) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["carol"]
    assert main(["--db", database, "user", "add", "carol"]) == 1
    assert "already" in capsys.readouterr().err
    from storyline.storage import open_store
    with open_store(database) as store:
        assert accounts.token_user(store, token).name == "carol"
    assert os.environ["STORYLINE_PASSWORD"]  # read from the environment, never echoed
