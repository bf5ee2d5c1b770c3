"""The Google Reader API (storyline.greader) through the ASGI app, with two
users: login and tokens, subscriptions, streams and continuations, read and
starred state that stays each user's own, and garbage that gets a 4xx."""
from __future__ import annotations

import warnings
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline import accounts
from storyline.config import FetchSettings
from storyline.greader.ids import STORY_BASE
from storyline.ingest import Ingestor
from storyline.storage import Store
from storyline.web import create_app
from tests.conftest import NewsServer
from tests.pages import rss, story_paragraphs

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PREFIX = "/api/greader"
API = PREFIX + "/reader/api/0"
READING = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LOOPBACK = FetchSettings(timeout=2.0, retries=0, allowed_networks=("127.0.0.0/8",),
                         only_hosts=frozenset({"127.0.0.1", "localhost"}))


def feed_document(topics: list[str]) -> str:
    return rss([{"title": f"Update on {t}", "link": f"https://lakeside.example/news/{t.replace(' ', '-')}",
                 "content": "".join(f"<p>{p}</p>" for p in story_paragraphs(t))} for t in topics])


@pytest.fixture(scope="module")
def news():
    server = NewsServer()
    server.page("/feed.xml", feed_document(["the harbour wall", "the tram depot", "the school roof"]),
                "application/rss+xml")
    server.page("/other.xml", feed_document(["the bridge toll"]), "application/rss+xml")
    yield server
    server.close()


@pytest.fixture(scope="module")
def site(demo_db, news):
    """The demo corpus, one polled feed of three articles, users alice and bob."""
    with Store(demo_db) as store, Ingestor(store, settings=LOOPBACK) as ingestor:
        assert ingestor.add([news.url("/feed.xml")]).added == 3
        alice = accounts.create_user(store, "alice", "alice's password")
        bob = accounts.create_user(store, "bob", "bob's password")
    return {"db": demo_db, "feed": news.url("/feed.xml"), "alice": alice, "bob": bob}


@pytest.fixture(scope="module")
def app(site):
    with TestClient(create_app(site["db"], settings=LOOPBACK)) as client:
        yield client


def login(client, name: str, password: str) -> dict:
    reply = client.post(PREFIX + "/accounts/ClientLogin", data={"Email": name, "Passwd": password})
    assert reply.status_code == 200, reply.text
    auth = dict(line.split("=", 1) for line in reply.text.strip().splitlines())["Auth"]
    return {"Authorization": f"GoogleLogin auth={auth}"}


@pytest.fixture(scope="module")
def alice(app):
    return login(app, "alice", "alice's password")


@pytest.fixture(scope="module")
def bob(app):
    return login(app, "bob", "bob's password")


def edit_token(client, headers) -> str:
    reply = client.get(API + "/token", headers=headers)
    assert reply.status_code == 200
    return reply.text.strip()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(client, path: str, fields: list[tuple[str, str]], headers: dict):
    """A POST of form fields, repeated names and all."""
    return client.post(path, content=urlencode(fields).encode(), headers={**headers, **FORM})


def post(client, headers, path: str, data) -> str:
    """An edit with its T token; the answer's text."""
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    reply = form(client, API + path, fields + [("T", edit_token(client, headers))], headers)
    assert reply.status_code == 200, reply.text
    return reply.text


def all_ids(client, headers, stream: str, n: int = 7, **params) -> list[str]:
    """Every item id of a stream, page by page."""
    found, continuation = [], None
    while True:
        query = {"s": stream, "n": n, **params, **({"c": continuation} if continuation else {})}
        body = client.get(API + "/stream/items/ids", params=query, headers=headers).json()
        found += [ref["id"] for ref in body["itemRefs"]]
        continuation = body.get("continuation")
        if not continuation:
            return found


def unread(client, headers) -> dict[str, int]:
    body = client.get(API + "/unread-count", params={"output": "json"}, headers=headers).json()
    return {entry["id"]: entry["count"] for entry in body["unreadcounts"]}


def contents(client, headers, item_ids: list[str]) -> dict[str, dict]:
    reply = form(client, API + "/stream/items/contents", [("i", i) for i in item_ids], headers)
    assert reply.status_code == 200, reply.text
    return {item["id"]: item for item in reply.json()["items"]}


def long_id(number: int) -> str:
    return f"tag:google.com,2005:reader/item/{number:016x}"


def feed_article_ids(site) -> list[int]:
    with Store(site["db"]) as store:
        return [r["id"] for r in store.rows(
            "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url = :url ORDER BY a.id",
            {"url": site["feed"]})]


# -- accounts ---------------------------------------------------------------------------------------

def test_client_login_gives_a_token_that_authenticates(app, site):
    text = app.post(PREFIX + "/accounts/ClientLogin", data={"Email": "alice", "Passwd": "alice's password"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    lines = dict(line.split("=", 1) for line in text.text.strip().splitlines())
    assert set(lines) == {"SID", "LSID", "Auth"} and lines["SID"] == lines["Auth"]
    as_json = app.post(PREFIX + "/accounts/ClientLogin",
                       data={"Email": "alice", "Passwd": "alice's password", "output": "json"}).json()
    assert as_json["Auth"] and as_json["Auth"] != lines["Auth"]  # a token per login
    for headers in ({"Authorization": f"GoogleLogin auth={lines['Auth']}"},
                    {"Authorization": f"GoogleLogin auth={as_json['Auth']}"}):
        info = app.get(API + "/user-info", headers=headers).json()
        assert info["userName"] == "alice" and info["userId"] == str(site["alice"].id)
    with Store(site["db"]) as store:  # kept as an API token of hers, labelled greader, stored as a digest
        tokens = store.tokens(site["alice"].id)
        assert {t["label"] for t in tokens} == {"greader"}
        assert lines["Auth"] not in str(store.rows("SELECT * FROM api_tokens"))


def test_bad_logins_and_bad_tokens_are_401(app):
    for data in ({"Email": "alice", "Passwd": "wrong password"}, {"Email": "nobody", "Passwd": "whatever1"},
                 {"Email": "alice"}, {}):
        reply = app.post(PREFIX + "/accounts/ClientLogin", data=data)
        assert reply.status_code == 401 and reply.text == "Unauthorized"
    for header in (None, "GoogleLogin auth=made-up", "GoogleLogin auth=", "Basic abc", "GoogleLogin " + "x" * 5000):
        reply = app.get(API + "/subscription/list", headers={"Authorization": header} if header else {})
        assert reply.status_code == 401 and reply.text == "Unauthorized"


def test_failed_logins_are_throttled(site):
    with TestClient(create_app(site["db"], settings=LOOPBACK, auth_failure_rate=(3, 60.0))) as client:
        statuses = [client.post(PREFIX + "/accounts/ClientLogin",
                                data={"Email": "alice", "Passwd": "guess number %d" % k}).status_code
                    for k in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        refused = client.post(PREFIX + "/accounts/ClientLogin", data={"Email": "alice", "Passwd": "alice's password"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_adding_feeds_keeps_the_write_rate(site, news):
    with TestClient(create_app(site["db"], settings=LOOPBACK, write_rate=(1, 60.0))) as client:
        headers = login(client, "bob", "bob's password")
        fields = {"quickadd": news.url("/other.xml"), "T": edit_token(client, headers)}
        assert client.post(API + "/subscription/quickadd", data=fields, headers=headers).status_code == 200
        again = client.post(API + "/subscription/quickadd", data=fields, headers=headers)
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1


def test_local_mode_lets_this_machine_in_as_the_local_user(tmp_path):
    """No accounts (`./run demo`): a client on the server's machine logs in with
    anything and acts as the local user; anyone else, or a server with accounts, gets 401."""
    db = str(tmp_path / "local.db")
    here = {"base_url": "http://127.0.0.1:8000", "client": ("127.0.0.1", 50000)}
    with TestClient(create_app(db, settings=LOOPBACK), **here) as local, \
            TestClient(create_app(db, settings=LOOPBACK)) as remote:
        reply = local.post(PREFIX + "/accounts/ClientLogin", data={"Email": "me", "Passwd": "anything"})
        assert reply.status_code == 200 and "Auth=local" in reply.text
        headers = {"Authorization": "GoogleLogin auth=local"}
        assert local.get(API + "/user-info", headers=headers).json()["userName"] == accounts.LOCAL_USER
        assert local.get(API + "/unread-count", headers=headers).status_code == 200
        # A page of another site, open in the local user's browser, posting here: refused.
        for browser in ({"Origin": "https://elsewhere.example"}, {"Sec-Fetch-Site": "cross-site"}):
            assert local.post(API + "/mark-all-as-read", data={"s": "user/-/state/com.google/reading-list"},
                              headers={**headers, **browser}).status_code == 401
        assert local.get(API + "/user-info", headers={**headers, "Origin": "http://127.0.0.1:8000"}).status_code == 200
        assert remote.post(PREFIX + "/accounts/ClientLogin", data={"Email": "me", "Passwd": "anything"}).status_code == 401
        assert remote.get(API + "/user-info", headers=headers).status_code == 401
        with Store(db) as store:
            accounts.create_user(store, "carol", "carol's password")
        assert local.get(API + "/user-info", headers=headers).status_code == 401
        assert local.get(PREFIX + "/accounts/ClientLogin").status_code == 405  # never a password in a URL


def test_a_user_token_from_the_cli_works_too(app, site):
    with Store(site["db"]) as store:
        token = accounts.issue_token(store, site["bob"], "reeder")
    info = app.get(API + "/user-info", headers={"Authorization": f"GoogleLogin auth={token}"}).json()
    assert info["userName"] == "bob"


def test_edits_need_post_and_a_right_edit_token(app, alice, site):
    article = feed_article_ids(site)[0]
    assert app.get(API + "/edit-tag", params={"i": article, "a": STARRED}, headers=alice).status_code == 405
    wrong = app.post(API + "/edit-tag", data={"i": article, "a": STARRED, "T": "not-the-token"}, headers=alice)
    assert wrong.status_code == 401 and wrong.headers["x-reader-google-bad-token"] == "true"
    with Store(site["db"]) as store:
        assert not store.article_flags(site["alice"].id, [article])[article]["saved"]
    # Without T the Authorization header alone decides (as FreshRSS allows, for clients that never ask for one).
    assert app.post(API + "/edit-tag", data={"i": article, "r": STARRED}, headers=alice).text == "OK"
    assert edit_token(app, alice) == edit_token(app, alice) and len(edit_token(app, alice)) == 57


# -- subscriptions ------------------------------------------------------------------------------------

def test_subscription_list_has_feeds_outlets_and_stories(app, alice, site):
    subs = app.get(API + "/subscription/list", params={"output": "json"}, headers=alice).json()["subscriptions"]
    ids = [s["id"] for s in subs]
    assert ids[0] == "feed/" + site["feed"] and subs[0]["url"] == site["feed"] and subs[0]["title"] == "Lakeside Gazette"
    outlets = [s for s in subs if s["id"].startswith("feed/storyline:outlet:")]
    assert len(outlets) == 6 and all(s["title"] and s["htmlUrl"].startswith("https://") for s in outlets)
    assert ids[-1] == "feed/storyline:stories"
    tags = app.get(API + "/tag/list", headers=alice).json()["tags"]
    assert {"id": STARRED} in tags


def test_quickadd_edit_and_unsubscribe_are_each_users_own(app, alice, bob, news, site):
    other = news.url("/other.xml")
    added = app.post(API + "/subscription/quickadd", data={"quickadd": other, "T": edit_token(app, alice)},
                     headers=alice).json()
    assert added["numResults"] == 1 and added["streamId"] == "feed/" + other
    with Store(site["db"]) as store:
        feed = store.feed(other)
        assert feed is not None and feed["next_poll"] is None  # due now: the worker polls it
    assert post(app, alice, "/subscription/edit", {"ac": "edit", "s": "feed/" + other, "t": "Bridge news",
                                                    "a": "user/-/label/Local"}) == "OK"
    mine = {s["id"]: s for s in app.get(API + "/subscription/list", headers=alice).json()["subscriptions"]}
    assert mine["feed/" + other]["title"] == "Bridge news"
    assert mine["feed/" + other]["categories"] == [{"id": "user/-/label/Local", "label": "Local"}]
    assert {"id": "user/-/label/Local", "type": "folder"} in app.get(API + "/tag/list", headers=alice).json()["tags"]
    theirs = {s["id"]: s for s in app.get(API + "/subscription/list", headers=bob).json()["subscriptions"]}
    assert theirs["feed/" + other]["categories"] == [] and theirs["feed/" + other]["title"] != "Bridge news"
    assert {"id": "user/-/label/Local", "type": "folder"} not in app.get(API + "/tag/list", headers=bob).json()["tags"]

    assert post(app, alice, "/subscription/edit", {"ac": "edit", "s": "feed/" + other, "r": "user/-/label/Local"}) == "OK"
    mine = {s["id"]: s for s in app.get(API + "/subscription/list", headers=alice).json()["subscriptions"]}
    assert mine["feed/" + other]["categories"] == []
    assert post(app, alice, "/subscription/edit", {"ac": "unsubscribe", "s": "feed/" + other}) == "OK"
    assert "feed/" + other not in [s["id"] for s in app.get(API + "/subscription/list", headers=alice).json()["subscriptions"]]
    assert "feed/" + other in [s["id"] for s in app.get(API + "/subscription/list", headers=bob).json()["subscriptions"]]
    assert post(app, alice, "/subscription/edit", {"ac": "subscribe", "s": "feed/" + other}) == "OK"
    assert "feed/" + other in [s["id"] for s in app.get(API + "/subscription/list", headers=alice).json()["subscriptions"]]
    refused = app.post(API + "/subscription/edit", data={"ac": "unsubscribe", "s": "feed/storyline:stories"},
                       headers=alice)
    assert refused.status_code == 400


def test_folders_are_streams_with_counts(app, alice, site):
    post(app, alice, "/subscription/edit", {"ac": "edit", "s": "feed/" + site["feed"], "a": "user/-/label/Lake"})
    try:
        label_ids = all_ids(app, alice, "user/-/label/Lake")
        assert sorted(int(i) for i in label_ids) == feed_article_ids(site)
        counts = unread(app, alice)
        assert counts["user/-/label/Lake"] == counts["feed/" + site["feed"]]
        items = contents(app, alice, label_ids)
        assert all("user/-/label/Lake" in item["categories"] for item in items.values())
        assert post(app, alice, "/rename-tag", {"s": "user/-/label/Lake", "dest": "user/-/label/Water"}) == "OK"
        assert len(all_ids(app, alice, "user/-/label/Water")) == 3 and all_ids(app, alice, "user/-/label/Lake") == []
    finally:
        post(app, alice, "/disable-tag", {"s": "user/-/label/Water"})
    assert all_ids(app, alice, "user/-/label/Water") == []


# -- streams -------------------------------------------------------------------------------------------

def test_reading_list_pages_cover_every_item_once_in_order(app, alice):
    newest_first = all_ids(app, alice, READING, n=7)
    assert len(newest_first) == len(set(newest_first))
    articles = [int(i) for i in newest_first if int(i) < STORY_BASE]
    stories = [int(i) - STORY_BASE for i in newest_first if int(i) >= STORY_BASE]
    assert len(articles) == 47 and len(stories) >= 5  # the demo corpus and the feed; stories of 2+ articles
    oldest_first = all_ids(app, alice, READING, n=5, r="o")
    assert sorted(oldest_first) == sorted(newest_first)
    one_page = app.get(API + "/stream/items/ids", params={"s": READING, "n": 1000}, headers=alice).json()
    # Articles and stories are paged apart, then merged by time: pages cover the same items.
    assert "continuation" not in one_page and sorted(r["id"] for r in one_page["itemRefs"]) == sorted(newest_first)
    times = [int(r["timestampUsec"]) for r in one_page["itemRefs"] if int(r["id"]) < STORY_BASE]
    assert times == sorted(times, reverse=True)


def test_stream_contents_pages_and_item_fields(app, alice, site):
    stream = "feed/" + site["feed"]
    first = app.get(API + "/stream/contents/" + quote(stream, safe=""), params={"n": 2}, headers=alice).json()
    assert first["id"] == stream and len(first["items"]) == 2 and first["continuation"]
    rest = app.get(API + "/stream/contents/" + quote(stream, safe=""), params={"n": 2, "c": first["continuation"]},
                   headers=alice).json()
    assert len(rest["items"]) == 1 and "continuation" not in rest
    items = first["items"] + rest["items"]
    assert sorted(int(i["id"].rsplit("/", 1)[1], 16) for i in items) == feed_article_ids(site)
    item = items[0]
    assert item["origin"] == {"streamId": stream, "title": "Lakeside Gazette", "htmlUrl": "https://lakeside.example/"}
    assert item["alternate"][0]["href"].startswith("https://lakeside.example/news/")
    assert item["summary"]["content"].startswith("<p>Paragraph 0 about")
    assert READING in item["categories"] and 0 < item["published"] <= int(item["timestampUsec"]) // 10 ** 6
    # The same stream by its s parameter, and as Atom.
    same = app.get(API + "/stream/contents", params={"s": stream, "n": 5}, headers=alice).json()
    assert [i["id"] for i in same["items"]] == [i["id"] for i in items]


def test_items_by_long_and_short_ids(app, alice, site):
    first, second = feed_article_ids(site)[:2]
    found = contents(app, alice, [long_id(first), str(second), str(first), long_id(99_999_999)])
    assert list(found) == [long_id(first), long_id(second)]  # the order asked, each once, unknown left out
    ids_reply = app.get(API + "/stream/items/ids", params={"s": "feed/" + site["feed"]}, headers=alice).json()
    assert all(ref["id"].isdigit() for ref in ids_reply["itemRefs"])


def test_story_items_carry_the_brief_with_citations(app, alice, site):
    story_ids = all_ids(app, alice, "feed/storyline:stories")
    assert story_ids and all(int(i) >= STORY_BASE for i in story_ids)
    item = next(iter(contents(app, alice, story_ids[:1]).values()))
    assert item["origin"]["streamId"] == "feed/storyline:stories"
    assert item["alternate"][0]["href"].endswith(f"/stories/{int(story_ids[0]) - STORY_BASE}")
    html = item["summary"]["content"]
    assert "[1]</a>" in html and "<ol>" in html and "<script" not in html and 'rel="nofollow' in html
    with Store(site["db"]) as store:
        members = store.story_articles(int(story_ids[0]) - STORY_BASE)
    assert len(members) >= 2 and all(m["title"] in html for m in members if "&" not in m["title"])


def test_atom_stream_for_feedhq_clients(app, alice, site):
    # newsboat joins its feedhq-url (with a trailing slash) and "/reader/atom/", escaping the stream id.
    reply = app.get(PREFIX + "//reader/atom/" + quote("feed/" + site["feed"], safe=""), params={"n": 10},
                    headers=alice)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(reply.content)
    entries = root.findall("a:entry", ns)
    assert len(entries) == 3 and root.find("a:title", ns).text == "Lakeside Gazette"
    entry_ids = [e.find("a:id", ns).text for e in entries]
    assert sorted(int(i.rsplit("/", 1)[1], 16) for i in entry_ids) == feed_article_ids(site)
    labels = {c.get("label") for c in entries[0].findall("a:category", ns)
              if c.get("scheme") == "http://www.google.com/reader/"}
    assert "reading-list" in labels and ("fresh" in labels) != ("read" in labels)
    assert app.get(PREFIX + "/reader/atom/" + quote("feed/" + site["feed"], safe="")).status_code == 401


# -- state ---------------------------------------------------------------------------------------------

def test_read_and_starred_are_each_users_own(app, alice, bob, site):
    article, other = feed_article_ids(site)[:2]
    alice_id, bob_id = site["alice"].id, site["bob"].id
    before_alice, before_bob = unread(app, alice), unread(app, bob)
    assert post(app, alice, "/edit-tag", [("i", long_id(article)), ("i", str(other)), ("a", READ),
                                          ("r", "user/-/state/com.google/kept-unread")]) == "OK"
    assert post(app, alice, "/edit-tag", {"i": str(article), "a": STARRED}) == "OK"
    with Store(site["db"]) as store:
        assert store.article_flags(alice_id, [article, other]) == {article: {"read": True, "saved": True},
                                                                    other: {"read": True, "saved": False}}
        assert store.article_flags(bob_id, [article, other]) == {article: {"read": False, "saved": False},
                                                                  other: {"read": False, "saved": False}}
    feed = "feed/" + site["feed"]
    assert unread(app, alice)[feed] == before_alice[feed] - 2
    assert unread(app, alice)[READING] == before_alice[READING] - 2
    assert unread(app, bob) == before_bob
    assert str(article) not in all_ids(app, alice, READING, xt=READ)
    assert str(article) in all_ids(app, bob, READING, xt=READ)
    assert all_ids(app, alice, STARRED) == [str(article)] and all_ids(app, bob, STARRED) == []
    assert set(contents(app, alice, [str(article)])[long_id(article)]["categories"]) >= {READ, STARRED}
    assert not {READ, STARRED} & set(contents(app, bob, [str(article)])[long_id(article)]["categories"])
    assert str(article) in all_ids(app, alice, READ) and str(article) not in all_ids(app, bob, READ)
    # Bob cannot change Alice's state: his edits touch his own.
    post(app, bob, "/edit-tag", {"i": str(article), "r": READ})
    post(app, alice, "/edit-tag", [("i", str(article)), ("i", str(other)), ("r", READ), ("r", STARRED)])
    with Store(site["db"]) as store:
        assert store.article_flags(alice_id, [article])[article] == {"read": False, "saved": False}
    assert unread(app, alice)[feed] == before_alice[feed]


def test_reading_a_story_reads_its_articles(app, bob, site):
    story_item = all_ids(app, bob, "feed/storyline:stories", xt=READ)[0]
    story = int(story_item) - STORY_BASE
    with Store(site["db"]) as store:
        members = [m["id"] for m in store.story_articles(story)]
    post(app, bob, "/edit-tag", {"i": long_id(int(story_item)), "a": READ})
    with Store(site["db"]) as store:
        assert store.stories_read(site["bob"].id, [story]) == {story}
        assert all(f["read"] for f in store.article_flags(site["bob"].id, members).values())
        assert store.stories_read(site["alice"].id, [story]) == set()
    assert story_item not in all_ids(app, bob, READING, xt=READ)
    post(app, bob, "/edit-tag", {"i": story_item, "r": READ})
    with Store(site["db"]) as store:
        assert store.stories_read(site["bob"].id, [story]) == set()


def test_mark_all_as_read_by_stream_and_time(app, alice, bob, site):
    feed = "feed/" + site["feed"]
    assert post(app, bob, "/mark-all-as-read", {"s": feed, "ts": "1000000"}) == "OK"  # 1970: nothing that old
    assert unread(app, bob)[feed] == 3
    assert post(app, bob, "/mark-all-as-read", {"s": feed, "ts": "9999999999000000"}) == "OK"
    assert feed not in unread(app, bob) and unread(app, alice)[feed] == 3
    outlet = next(s for s in unread(app, bob) if s.startswith("feed/storyline:outlet:"))
    assert post(app, bob, "/mark-all-as-read", {"s": outlet}) == "OK"
    assert outlet not in unread(app, bob) and outlet in unread(app, alice)
    assert post(app, bob, "/mark-all-as-read", {"s": "feed/storyline:stories"}) == "OK"
    assert "feed/storyline:stories" not in unread(app, bob) and "feed/storyline:stories" in unread(app, alice)
    post(app, bob, "/edit-tag", [("i", str(i)) for i in feed_article_ids(site)] + [("r", READ)])


def test_muted_outlets_and_keywords_leave_the_reading_list(app, bob, alice, site):
    with Store(site["db"]) as store:
        outlet = store.rows("SELECT o.id, o.name FROM outlets o WHERE o.name = 'Valley Wire'")[0]
        store.mute(site["bob"].id, "outlet", outlet["name"])
        store.mute(site["bob"].id, "keyword", "HARBOUR")
    try:
        stream = f"feed/storyline:outlet:{outlet['id']}"
        assert stream not in [s["id"] for s in app.get(API + "/subscription/list", headers=bob).json()["subscriptions"]]
        assert stream in [s["id"] for s in app.get(API + "/subscription/list", headers=alice).json()["subscriptions"]]
        bobs = set(all_ids(app, bob, READING, n=100))
        alices = set(all_ids(app, alice, READING, n=100))
        with Store(site["db"]) as store:
            valley = {str(r["id"]) for r in store.rows("SELECT id FROM articles WHERE outlet_id = :o", {"o": outlet["id"]})}
            harbour = {str(r["id"]) for r in store.rows("SELECT id FROM articles WHERE LOWER(title) LIKE '%harbour%'")}
        assert valley and harbour and valley <= alices and harbour <= alices
        assert not (valley | harbour) & bobs
        assert unread(app, bob)[READING] == len(all_ids(app, bob, READING, n=100, xt=READ))
        with Store(site["db"]) as store:
            store.mute(site["bob"].id, "keyword", "%_")  # taken literally: no title holds it
        assert set(all_ids(app, bob, READING, n=100)) == bobs
    finally:
        with Store(site["db"]) as store:
            store.mute(site["bob"].id, "outlet", outlet["name"], muted=False)
            store.mute(site["bob"].id, "keyword", "HARBOUR", muted=False)
            store.mute(site["bob"].id, "keyword", "%_", muted=False)


def test_unread_count_matches_the_unread_stream(app, alice):
    counts = unread(app, alice)
    assert counts[READING] == len(all_ids(app, alice, READING, xt=READ, n=1000))
    for stream, count in counts.items():
        if stream.startswith("feed/"):
            assert count == len(all_ids(app, alice, stream, xt=READ, n=1000)), stream


# -- garbage ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, params", [
    ("/stream/items/ids", {}),
    ("/stream/items/ids", {"s": "nonsense"}),
    ("/stream/items/ids", {"s": READING, "n": "ten"}),
    ("/stream/items/ids", {"s": READING, "c": "not-a-continuation"}),
    ("/stream/items/ids", {"s": READING, "c": "eyJhIjpbMSwyXSwicyI6bnVsbH0"}),  # valid base64, wrong shape
    ("/stream/items/ids", {"s": READING, "c": "eyJhIjpbIlx1MDAwMCIsMV0sInMiOm51bGx9"}),  # a NUL for a time
    ("/stream/items/ids", {"s": READING, "r": "sideways"}),
    ("/stream/items/ids", {"s": READING, "ot": "-5"}),
    ("/stream/items/ids", {"s": READING, "nt": "99999999999999"}),
    ("/stream/items/ids", {"s": READING, "xt": "\x00"}),
    ("/stream/items/ids", {"s": "user/-/label/"}),
    ("/stream/items/ids", {"s": "feed/storyline:outlet:abc"}),
    ("/stream/items/ids", {"s": "x" * 5000}),
    ("/stream/contents", {"s": "user/-/state/com.google/"}),
    ("/stream/items/contents", {}),
    ("/stream/items/contents", {"i": "tag:google.com,2005:reader/item/zz"}),
    ("/stream/items/contents", {"i": "99999999999999999999"}),
    ("/stream/items/contents", {"i": "-4"}),
    ("/stream/items/contents", {"i": "0"}),
])
def test_garbage_reads_are_400(app, alice, path, params):
    reply = app.get(API + path, params=params, headers=alice)
    assert reply.status_code == 400, reply.text
    assert reply.text.startswith("Bad Request")


@pytest.mark.parametrize("path, data", [
    ("/edit-tag", {"a": READ}),
    ("/edit-tag", {"i": "1", "a": "read"}),
    ("/edit-tag", {"i": "1", "a": READ, "r": READ}),
    ("/edit-tag", {"i": "tag:google.com,2005:reader/item/", "a": READ}),
    ("/mark-all-as-read", {"s": READING, "ts": "yesterday"}),
    ("/mark-all-as-read", {}),
    ("/subscription/edit", {"ac": "explode", "s": "feed/https://x.example/feed"}),
    ("/subscription/edit", {"ac": "edit", "s": "feed/https://never.example/feed"}),
    ("/subscription/edit", {"ac": "subscribe", "s": "feed/javascript:alert(1)"}),
    ("/subscription/edit", {"ac": "edit", "s": "feed/" + "x", "a": "user/-/label/bad\x01name"}),
    ("/subscription/quickadd", {"quickadd": "not a url"}),
    ("/subscription/quickadd", {"quickadd": "ftp://x.example/feed"}),
    ("/rename-tag", {"s": "user/-/label/A"}),
])
def test_garbage_edits_are_400(app, alice, path, data):
    reply = app.post(API + path, data={**data, "T": edit_token(app, alice)}, headers=alice)
    assert reply.status_code == 400, reply.text


def test_odd_requests_never_500(app, alice):
    assert app.get(PREFIX + "/reader/api/0/nothing-here", headers=alice).status_code == 404
    assert app.get(PREFIX + "/", headers=alice).status_code == 404
    assert app.put(API + "/edit-tag", headers=alice).status_code == 405
    huge = app.post(API + "/edit-tag", content=b"i=1&" * 300_000, headers={**alice, "Content-Type":
                                                                          "application/x-www-form-urlencoded"})
    assert 400 <= huge.status_code < 500
    many = form(app, API + "/edit-tag", [("i", "1")] * 10_001 + [("a", READ)], alice)
    assert many.status_code == 400
    odd = app.post(API + "/edit-tag", content=b"\xff\xfe=\x00&i=%ED%A0%80", headers={**alice, "Content-Type":
                                                                                 "application/x-www-form-urlencoded"})
    assert odd.status_code == 400
    bad_login = app.post(PREFIX + "/accounts/ClientLogin", content=b"Email=%ff&Passwd=%00",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert bad_login.status_code in (400, 401)
    # Unknown but well-formed streams are simply empty.
    for stream in ("feed/https://unknown.example/feed", "user/-/label/Nothing", "user/-/state/com.google/broadcast",
                   "feed/storyline:outlet:999999"):
        body = app.get(API + "/stream/items/ids", params={"s": stream}, headers=alice).json()
        assert body == {"itemRefs": []}
