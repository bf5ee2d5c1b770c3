"""The Fever API (storyline.fever) through the ASGI app: the api_key and what
a wrong one gets, groups and feeds, items paged by since_id / max_id /
with_ids, unread and saved ids, marking items, feeds and groups read up to
`before`, one user's state never another's, and garbage that never gets a 500."""
from __future__ import annotations

import json
import warnings
from datetime import datetime, timezone

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline import accounts
from storyline.cli import main
from storyline.config import FetchSettings
from storyline.fever import credentials
from storyline.fever.sources import OUTLET_BASE, group_ids
from storyline.ingest import Ingestor
from storyline.storage import Store
from storyline.web import create_app
from tests.conftest import NewsServer
from tests.pages import rss, story_paragraphs

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FEVER = "/api/fever/?api"
LOOPBACK = FetchSettings(timeout=2.0, retries=0, allowed_networks=("127.0.0.0/8",),
                         only_hosts=frozenset({"127.0.0.1", "localhost"}))
FEED_TOPICS = ["the harbour wall", "the tram depot", "the school roof"]
OTHER_TOPICS = ["the bridge toll", "the ferry timetable", "the library hours", "the market square",
                "the river dredging", "the bus lanes", "the water tower", "the night trains"]
EARLY, LATE = "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"


def feed_document(topics: list[str]) -> str:
    return rss([{"title": f"Update on {t}", "link": f"https://lakeside.example/news/{t.replace(' ', '-')}",
                 "content": "".join(f"<p>{p}</p>" for p in story_paragraphs(t))} for t in topics])


def epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp())


@pytest.fixture(scope="module")
def site(demo_db):
    """The demo corpus (files: articles of no feed), two polled feeds (3 and 8
    articles; the first's added times set apart for `before`), users alice and
    bob with Fever on, carol without."""
    news = NewsServer()
    news.page("/feed.xml", feed_document(FEED_TOPICS), "application/rss+xml")
    news.page("/other.xml", feed_document(OTHER_TOPICS), "application/rss+xml")
    try:
        with Store(demo_db) as store, Ingestor(store, settings=LOOPBACK) as ingestor:
            assert ingestor.add([news.url("/feed.xml")]).added == 3
            assert ingestor.add([news.url("/other.xml")]).added == 8
            users = {name: accounts.create_user(store, name, f"{name}'s account password")
                     for name in ("alice", "bob", "carol")}
            for name in ("alice", "bob"):
                credentials.turn_on(store, name, f"{name}'s fever password")
            feed = store.rows("SELECT id FROM feeds WHERE url = :url", {"url": news.url("/feed.xml")})[0]["id"]
            articles = [r["id"] for r in store.rows("SELECT id FROM articles WHERE feed_id = :feed ORDER BY id",
                                                    {"feed": feed})]
            store.execute("UPDATE articles SET fetched = :t WHERE id IN :ids", {"t": EARLY, "ids": articles[:2]})
            store.execute("UPDATE articles SET fetched = :t WHERE id = :id", {"t": LATE, "id": articles[2]})
            store.set_feed_prefs(users["alice"].id, feed, folder="Local news")
    finally:
        news.close()
    return {"db": demo_db, "feed": feed, "feed_articles": articles, **users}


@pytest.fixture(scope="module")
def app(site):
    with TestClient(create_app(site["db"], settings=LOOPBACK)) as client:
        yield client


def key(name: str) -> str:
    return credentials.api_key(name, f"{name}'s fever password")


def fever(client, name: str | None, query: str = "", **form) -> dict:
    """One Fever call as the clients make it: flags in the query, api_key and writes POSTed."""
    data = {**({"api_key": key(name)} if name else {}), **{k: str(v) for k, v in form.items()}}
    reply = client.post(FEVER + ("&" + query if query else ""), data=data)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["api_version"] == 3
    return body


def ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",") if i]


def state(site, user: str, article_id: int) -> dict:
    with Store(site["db"]) as store:
        return store.article_flags(site[user].id, [article_id])[article_id]


def all_articles(site) -> list[int]:
    with Store(site["db"]) as store:
        return [r["id"] for r in store.rows("SELECT id FROM articles ORDER BY id")]


# -- credentials ----------------------------------------------------------------------------------

def test_the_api_key_opens_the_api_and_nothing_else_does(app, site):
    body = fever(app, "alice")
    assert body["auth"] == 1 and body["last_refreshed_on_time"] > 0
    for path in ("/api/fever", "/api/fever/", "/api/fever/?api", "/api/fever?api"):
        assert app.post(path, data={"api_key": key("alice").upper()}).json()["auth"] == 1
    refused = [
        {},  # no key
        {"api_key": ""},
        {"api_key": "0" * 32},
        {"api_key": "not hex at all"},
        {"api_key": credentials.api_key("alice", "alice's account password")},  # the account's password
        {"api_key": credentials.api_key("carol", "carol's account password")},  # Fever never turned on
        {"api_key": credentials.api_key("bob", "alice's fever password")},
    ]
    for data in refused:
        reply = app.post(FEVER + "&items&unread_item_ids&feeds", data=data)
        assert reply.status_code == 200 and reply.json() == {"api_version": 3, "auth": 0}
    in_the_url = app.get(f"/api/fever/?api&items&api_key={key('alice')}")  # a key in a URL ends up in logs
    assert in_the_url.json() == {"api_version": 3, "auth": 0}


def test_failed_keys_are_throttled(site):
    with TestClient(create_app(site["db"], settings=LOOPBACK, auth_failure_rate=(2, 60.0))) as client:
        statuses = [client.post(FEVER, data={"api_key": f"{k:032x}"}).status_code for k in range(3)]
        assert statuses == [200, 200, 429]
        refused = client.post(FEVER, data={"api_key": key("alice")})
        assert refused.status_code == 429 and refused.json()["auth"] == 0
        assert int(refused.headers["retry-after"]) >= 1


def test_the_database_keeps_a_digest_of_the_key_and_the_command_sets_it(database, capsys, monkeypatch):
    monkeypatch.setenv("STORYLINE_PASSWORD", "account password")
    assert main(["--db", database, "user", "add", "dave"]) == 0
    assert main(["--db", database, "user", "fever", "dave"]) == 1  # the account's own password: refused
    assert "of its own" in capsys.readouterr().err
    monkeypatch.setenv("STORYLINE_PASSWORD", "fever password")
    assert main(["--db", database, "user", "fever", "dave", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": "dave", "fever": True}
    assert main(["--db", database, "user", "fever", "nobody"]) == 1
    given = credentials.api_key("dave", "fever password")
    with Store(database) as store:
        stored = store.scalar("SELECT fever_key FROM users WHERE name = 'dave'")
        assert stored and given not in stored and credentials.fever_user(store, given).name == "dave"
        assert accounts.authenticate(store, "dave", "account password") is not None  # the account is untouched
    assert main(["--db", database, "user", "fever", "dave", "--off"]) == 0
    with Store(database) as store:
        assert credentials.fever_user(store, given) is None
    assert main(["--db", database, "user", "fever", "dave"]) == 0
    assert main(["--db", database, "user", "remove", "dave"]) == 0
    with Store(database) as store:
        assert credentials.fever_user(store, given) is None
        assert store.scalar("SELECT COUNT(*) FROM users WHERE fever_key IS NOT NULL") == 0


# -- groups, feeds, items -------------------------------------------------------------------------------

def test_groups_and_feeds_are_the_users_own(app, site):
    with Store(site["db"]) as store:
        outlets = {r["id"]: r["name"] for r in store.rows(
            "SELECT DISTINCT o.id, o.name FROM outlets o JOIN articles a ON a.outlet_id = o.id "
            "WHERE a.feed_id IS NULL")}
        feeds = [r["id"] for r in store.rows("SELECT id FROM feeds ORDER BY id")]
    body = fever(app, "alice", "groups&feeds&favicons&links")
    group = next(iter(group_ids(["Local news"])))
    assert body["groups"] == [{"id": group, "title": "Local news"}]
    assert body["feeds_groups"] == [{"group_id": group, "feed_ids": str(site["feed"])}]
    assert body["favicons"] == [] and body["links"] == []
    by_id = {f["id"]: f for f in body["feeds"]}
    assert set(by_id) == set(feeds) | {OUTLET_BASE + o for o in outlets}
    assert by_id[site["feed"]]["url"].endswith("/feed.xml") and by_id[site["feed"]]["last_updated_on_time"] > 0
    for outlet_id, name in outlets.items():
        assert by_id[OUTLET_BASE + outlet_id]["title"] == name
        assert "/outlets/" in by_id[OUTLET_BASE + outlet_id]["url"]
    assert all(set(f) == {"id", "favicon_id", "title", "url", "site_url", "is_spark", "last_updated_on_time"}
               for f in body["feeds"])
    bob = fever(app, "bob", "groups")
    assert bob["groups"] == [] and bob["feeds_groups"] == []  # alice's folder is hers


def test_items_page_by_since_id_and_max_id(app, site):
    every = all_articles(site)
    assert len(every) > 50  # more than one page
    forward, since = [], 0
    while True:
        body = fever(app, "alice", f"items&since_id={since}")
        page = [item["id"] for item in body["items"]]
        assert len(page) <= 50 and page == sorted(page)
        if not page:
            break
        forward += page
        since = page[-1]
    assert forward == every and body["total_items"] == len(every)
    backward, below = [], 0
    while True:
        page = [item["id"] for item in fever(app, "alice", f"items&max_id={below}")["items"]]
        assert page == sorted(page, reverse=True)
        if not page:
            break
        backward += page
        below = page[-1]
    assert backward == every[::-1]
    assert [i["id"] for i in fever(app, "alice", "items")["items"]] == every[:50]  # no argument: the oldest


def test_items_with_ids_and_their_fields(app, site):
    every = all_articles(site)
    wanted = [site["feed_articles"][0], every[0], 10 ** 17]
    body = fever(app, "alice", "items&with_ids=" + ",".join(map(str, wanted)))
    items = {item["id"]: item for item in body["items"]}
    assert set(items) == {site["feed_articles"][0], every[0]}
    from_feed = items[site["feed_articles"][0]]
    assert from_feed["feed_id"] == site["feed"] and from_feed["created_on_time"] > 0
    assert from_feed["html"].startswith("<p>") and "Paragraph 0 about the harbour wall" in from_feed["html"]
    assert from_feed["url"].startswith("https://lakeside.example/news/")
    assert set(from_feed) == {"id", "feed_id", "title", "author", "html", "url", "is_saved", "is_read",
                              "created_on_time"}
    with Store(site["db"]) as store:
        outlet = store.scalar("SELECT outlet_id FROM articles WHERE id = :id", {"id": every[0]})
        assert store.scalar("SELECT feed_id FROM articles WHERE id = :id", {"id": every[0]}) is None
    assert items[every[0]]["feed_id"] == OUTLET_BASE + outlet
    many = fever(app, "alice", "items&with_ids=" + ",".join(map(str, every)))
    assert [i["id"] for i in many["items"]] == every[:50]  # at most 50 a call


# -- state ---------------------------------------------------------------------------------------

def test_marking_items_read_unread_saved_unsaved(app, site):
    article = all_articles(site)[5]
    assert article in ids(fever(app, "alice", "unread_item_ids")["unread_item_ids"])
    body = fever(app, "alice", mark="item", id=article, **{"as": "read"})
    assert article not in ids(body["unread_item_ids"])
    assert state(site, "alice", article) == {"read": True, "saved": False}
    item = fever(app, "alice", f"items&with_ids={article}")["items"][0]
    assert item["is_read"] == 1 and item["is_saved"] == 0
    body = fever(app, "alice", mark="item", id=article, **{"as": "saved"})
    assert ids(body["saved_item_ids"]) == [article]
    assert ids(fever(app, "alice", "saved_item_ids")["saved_item_ids"]) == [article]
    assert fever(app, "alice", f"items&with_ids={article}")["items"][0]["is_saved"] == 1
    assert state(site, "bob", article) == {"read": False, "saved": False}  # bob's are his own
    assert ids(fever(app, "bob", "saved_item_ids")["saved_item_ids"]) == []
    assert article in ids(fever(app, "bob", "unread_item_ids")["unread_item_ids"])
    fever(app, "alice", mark="item", id=article, **{"as": "unsaved"})
    body = fever(app, "alice", mark="item", id=article, **{"as": "unread"})
    assert article in ids(body["unread_item_ids"])
    assert state(site, "alice", article) == {"read": False, "saved": False}


def test_marking_a_feed_read_before_a_time(app, site):
    early, late = site["feed_articles"][:2], site["feed_articles"][2]
    fever(app, "alice", mark="feed", id=site["feed"], before=epoch(EARLY) - 60, **{"as": "read"})
    assert not any(state(site, "alice", a)["read"] for a in site["feed_articles"])  # nothing that old
    body = fever(app, "alice", mark="feed", id=site["feed"], before=epoch("2026-03-01T00:00:00Z"), **{"as": "read"})
    unread = ids(body["unread_item_ids"])
    assert not set(early) & set(unread) and late in unread  # what came after `before` stays unread
    assert all(not state(site, "bob", a)["read"] for a in site["feed_articles"])
    for article in early:
        fever(app, "alice", mark="item", id=article, **{"as": "unread"})


def test_marking_an_outlet_feed_read(app, site):
    with Store(site["db"]) as store:
        outlet, members = None, []
        for row in store.rows("SELECT outlet_id, id FROM articles WHERE feed_id IS NULL ORDER BY outlet_id, id"):
            if outlet is None:
                outlet = row["outlet_id"]
            if row["outlet_id"] == outlet:
                members.append(row["id"])
    unread = ids(fever(app, "bob", mark="feed", id=OUTLET_BASE + outlet, **{"as": "read"})["unread_item_ids"])
    assert members and not set(members) & set(unread) and all(state(site, "bob", a)["read"] for a in members)
    assert not any(state(site, "alice", a)["read"] for a in members)
    for article in members:
        fever(app, "bob", mark="item", id=article, **{"as": "unread"})


def test_marking_groups_read(app, site):
    group = next(iter(group_ids(["Local news"])))
    before = epoch("2026-03-01T00:00:00Z")
    fever(app, "bob", mark="group", id=group, before=before, **{"as": "read"})  # not bob's folder: nothing
    assert not any(state(site, "bob", a)["read"] for a in site["feed_articles"])
    unread = ids(fever(app, "alice", mark="group", id=group, before=before, **{"as": "read"})["unread_item_ids"])
    assert site["feed_articles"][2] in unread and not set(site["feed_articles"][:2]) & set(unread)
    fever(app, "alice", mark="group", id=-1, **{"as": "read"})  # "Sparks": no feed is one
    every = all_articles(site)
    assert len(ids(fever(app, "alice", "unread_item_ids")["unread_item_ids"])) == len(every) - 2
    assert ids(fever(app, "alice", mark="group", id=0, **{"as": "read"})["unread_item_ids"]) == []  # everything
    assert len(ids(fever(app, "bob", "unread_item_ids")["unread_item_ids"])) == len(every)
    body = fever(app, "alice", unread_recently_read=1)  # all of them were read a moment ago
    assert ids(body["unread_item_ids"]) == every


def test_a_users_hides_and_mutes_shape_their_items(app, site):
    with Store(site["db"]) as store:
        store.set_feed_prefs(site["bob"].id, site["feed"], hidden=True)
    try:
        unread = ids(fever(app, "bob", "unread_item_ids")["unread_item_ids"])
        assert not set(site["feed_articles"]) & set(unread)
        assert site["feed"] not in {f["id"] for f in fever(app, "bob", "feeds")["feeds"]}
        assert site["feed"] in {f["id"] for f in fever(app, "alice", "feeds")["feeds"]}
        paged = [i["id"] for i in fever(app, "bob", "items&since_id=0")["items"]]
        assert not set(site["feed_articles"]) & set(paged)
        asked = fever(app, "bob", f"items&with_ids={site['feed_articles'][0]}")["items"]
        assert [i["id"] for i in asked] == [site["feed_articles"][0]]  # still there when asked for by id
    finally:
        with Store(site["db"]) as store:
            store.set_feed_prefs(site["bob"].id, site["feed"], hidden=False)


def test_garbage_never_gets_a_server_error(app, site):
    queries = ["items&since_id=abc", "items&max_id=-5", "items&since_id=99999999999999999999999999",
               "items&with_ids=,,x,-1,99999999999999999999999,%00", "items&with_ids=", "items&max_id=",
               "groups=1&feeds=yes&items=no", "api=xml&items", "mark=item&as=read&id=abc",
               "mark=item&as=read&id=99999999999999999999", "mark=item&as=burn&id=1",
               "mark=feed&as=read&id=-3&before=yesterday", "mark=feed&as=read&id=987654&before=99999999999999999",
               "mark=group&as=read&id=2147483647", "mark=feed&as=read&id=987654&before=-999999999999999999", "mark=group&as=unread&id=0", "mark=&as=&id=",
               "unread_recently_read=yes", "x" * 3000, "items&since_id=" + "9" * 5000]
    for query in queries:
        reply = app.post(FEVER + "&" + query, data={"api_key": key("bob")})
        assert reply.status_code < 500, (query, reply.text)
        assert reply.json()["api_version"] == 3
    bodies = [(b"api_key=" + key("bob").encode() + b"&items&with_ids=1%00", "application/x-www-form-urlencoded"),
              (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
              (b"\xff\xfe garbage", "application/x-www-form-urlencoded"),
              (json.dumps({"api_key": key("bob")}).encode(), "application/json")]
    for content, media in bodies:
        reply = app.post(FEVER + "&items", content=content, headers={"Content-Type": media})
        assert reply.status_code < 500 and reply.json()["auth"] == 0, (content, reply.text)
    assert len(ids(fever(app, "bob", "unread_item_ids")["unread_item_ids"])) == len(all_articles(site))
