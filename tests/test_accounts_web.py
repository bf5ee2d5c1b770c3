"""Accounts and each reader's own state in the web reader and the JSON API:
login and logout, the session cookie's flags, CSRF on every form, per-user API
tokens, admin and reader roles, one user never seeing or changing another's
state or tokens, the local mode (loopback only), mark-all-read before the
page's time, mutes, per-outlet, per-feed and folder views."""
from __future__ import annotations

import json
import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline import accounts
from storyline.ingest import Ingestor
from storyline.storage import Store, open_store
from storyline.web import create_app
from storyline.web.mutes import story_filter
from tests.conftest import offline

TOKEN = "server-write-token"
PASSWORD = "correct horse battery"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def accounts_db(demo_db) -> str:
    """The demo corpus with three accounts (so: not local mode) and one feed holding two outlets' articles."""
    with Store(demo_db) as store:
        for name, admin in (("alice", False), ("bob", False), ("root", True)):
            accounts.create_user(store, name, PASSWORD, admin=admin)
        feed_id, _ = store.add_feed("https://wire.example/feed.xml")
        store.execute("UPDATE articles SET feed_id = :feed WHERE outlet_id IN "
                      "(SELECT id FROM outlets WHERE name IN ('Valley Wire', 'Coastline Times'))", {"feed": feed_id})
    return demo_db


def make_client(db: str, *, client: tuple[str, int] = ("testclient", 50000), base_url: str = "http://testserver",
                **options) -> TestClient:
    options.setdefault("token", TOKEN)
    options.setdefault("settings", offline())
    return TestClient(create_app(db, **options), client=client, base_url=base_url, follow_redirects=False)


def login(c: TestClient, name: str, password: str = PASSWORD):
    c.cookies.clear()  # (a logged-in browser is sent on from /login)
    form = c.get("/login")
    assert form.status_code == 200, form.text[:300]
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    return c.post("/login", data={"name": name, "password": password, "login_csrf": token, "next": "/"})


def csrf(c: TestClient) -> str:
    return c.get("/api/me").json()["csrf"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def form_csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def story_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="item story-item[^"]*" id="story-(\d+)"', html)]


def some_article(c: TestClient, headers: dict | None = None) -> int:
    return c.get("/api/articles?limit=1", headers=headers).json()["articles"][0]["id"]


# -- login, logout, cookies ------------------------------------------------------------------------

def test_pages_and_api_need_a_login_and_the_cookie_is_safe(accounts_db):
    with make_client(accounts_db) as c:
        front = c.get("/")
        assert front.status_code == 303 and front.headers["location"] == "/login"
        assert c.get("/stories/1").headers["location"] == "/login?next=%2Fstories%2F1"
        refused = c.get("/api/stories")
        assert refused.status_code == 401 and refused.json()["error"]["status"] == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/feed.rss").status_code == 401
        for public in ("/login", "/robots.txt", "/healthz", "/static/style.css", "/openapi.json"):
            assert c.get(public).status_code == 200, public

        wrong = login(c, "alice", "not her password")
        assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
        assert "storyline_session" not in c.cookies
        done = login(c, "alice")
        assert done.status_code == 303 and done.headers["location"] == "/"
        cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith("storyline_session="))
        flags = [part.strip().lower() for part in cookie.split(";")]
        assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
        assert "secure" not in flags  # plain http, no https base URL
        page = c.get("/")
        assert page.status_code == 200 and "alice" in page.text and "private" in page.headers["cache-control"]
        assert c.get("/api/me").json()["name"] == "alice"

        assert c.post("/logout").status_code == 403  # no CSRF token
        out = c.post("/logout", data={"csrf": form_csrf(page.text)})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert c.get("/").status_code == 303
    with Store(accounts_db) as store:  # the session is gone from the database, not only from the browser
        assert accounts.session_user(store, done.cookies.get("storyline_session")) is None


@pytest.mark.parametrize("where", ["https request", "https base url"])
def test_the_cookie_is_secure_behind_tls(accounts_db, where):
    if where == "https request":
        c = make_client(accounts_db, base_url="https://testserver")
    else:
        c = TestClient(create_app(accounts_db, token=TOKEN, settings=offline(), base_url="https://news.example"),
                       follow_redirects=False)
    with c:
        form = c.get("/login")
        login_cookie = next(h for h in form.headers.get_list("set-cookie") if h.startswith("storyline_login="))
        assert "secure" in [part.strip().lower() for part in login_cookie.split(";")]
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
        c.cookies.clear()  # a browser sends a Secure cookie over https only: send it as it would
        done = c.post("/login", data={"name": "bob", "password": PASSWORD, "login_csrf": token},
                      headers={"Cookie": f"storyline_login={token}"})
        cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith("storyline_session="))
        assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_the_login_form_has_its_own_csrf_token_and_failures_are_limited(accounts_db):
    with make_client(accounts_db, auth_failure_rate=(3, 60.0)) as c:
        # A cross-site post has no login cookie to repeat: refused before the password is looked at.
        forged = c.post("/login", data={"name": "alice", "password": PASSWORD, "login_csrf": "x" * 43})
        assert forged.status_code == 403 and "storyline_session" not in c.cookies
        for _ in range(3):
            assert login(c, "alice", "wrong password").status_code == 401
        limited = login(c, "alice")  # even the right password waits
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "storyline_session" not in c.cookies
        elsewhere = make_client(accounts_db, client=("10.0.0.3", 4000))
        elsewhere.app.state.limits = c.app.state.limits
        assert login(elsewhere, "alice").status_code == 303  # another client is not held up


def test_next_never_leads_off_the_site(accounts_db):
    with make_client(accounts_db) as c:
        form = c.get("/login?next=//evil.example/x")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
        done = c.post("/login", data={"name": "alice", "password": PASSWORD, "login_csrf": token,
                                      "next": "https://evil.example/"})
        assert done.headers["location"] == "/"
        article = some_article(c)
        back = c.post(f"/articles/{article}/read", data={"csrf": csrf(c), "next": "//evil.example"})
        assert back.headers["location"] == f"/articles/{article}"


# -- CSRF --------------------------------------------------------------------------------------------

def test_every_form_refuses_a_missing_or_wrong_csrf_token(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "root")
        token = csrf(c)
        article, feed = some_article(c), c.get("/api/feeds").json()["feeds"][0]["id"]
        forms = [(f"/articles/{article}/read", {"read": "1"}), (f"/articles/{article}/saved", {"saved": "1"}),
                 ("/stories/1/read", {"read": "1"}), ("/mark-all-read", {"before": "2000-01-01T00:00:00Z"}),
                 (f"/feeds/{feed}/folder", {"folder": "News"}),
                 ("/settings/mutes", {"kind": "keyword", "value": "zzz"}), ("/settings/tokens", {"label": "x"}),
                 ("/sources", {"url": "http://127.0.0.1:9/feed.xml"}), ("/logout", {})]
        for path, fields in forms:
            for bad in ({}, {"csrf": "forged"}, {"csrf": token[:-1]}):
                response = c.post(path, data=fields | bad)
                assert response.status_code == 403, (path, bad, response.status_code)
                assert "CSRF" in response.text
        for path, fields in forms:
            response = c.post(path, data=fields | {"csrf": token})
            assert response.status_code in (200, 303), (path, response.status_code, response.text[:300])
        # The JSON API with a session: the token in X-CSRF-Token.
        login(c, "alice")
        assert c.post(f"/api/articles/{article}/read").status_code == 403
        assert c.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": "forged"}).status_code == 403
        assert c.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": csrf(c)}).json()["read"] is True


# -- API tokens and roles ----------------------------------------------------------------------------

def test_api_tokens_act_for_their_user_without_csrf(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "alice")
        made = c.post("/api/tokens", json={"label": "phone"}, headers={"X-CSRF-Token": csrf(c)})
        assert made.status_code == 201 and made.json()["label"] == "phone"
        secret = made.json()["token"]
        listed = c.get("/api/tokens").json()["tokens"]
        assert made.json()["id"] in [t["id"] for t in listed] and "token" not in json.dumps(listed).replace(
            '"tokens"', "")
    with make_client(accounts_db) as app:  # no cookie: the token alone
        me = app.get("/api/me", headers=bearer(secret)).json()
        assert me["name"] == "alice" and me["csrf"] is None
        article = some_article(app, bearer(secret))
        saved = app.post(f"/api/articles/{article}/saved", headers=bearer(secret))
        assert saved.status_code == 200 and saved.json()["saved"] is True
        assert app.get(f"/api/articles/{article}", headers=bearer(secret)).json()["saved"] is True
        assert app.get("/api/articles/1").status_code == 401
        unknown = app.get("/api/me", headers=bearer("not-a-token"))
        assert unknown.status_code == 401 and "unknown API token" in unknown.text
        assert app.delete(f"/api/tokens/{made.json()['id']}", headers=bearer(secret)).status_code == 204
        assert app.get("/api/me", headers=bearer(secret)).status_code == 401


def test_tokens_made_on_the_settings_page_are_shown_once(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "bob")
        page = c.post("/settings/tokens", data={"csrf": csrf(c), "label": "reader app"})
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        secret = re.search(r'<code class="new-token">([^<]+)</code>', page.text).group(1)
        assert c.get("/api/me", headers=bearer(secret)).json()["name"] == "bob"
        again = c.get("/settings").text
        assert "reader app" in again and secret not in again


def test_admins_add_articles_readers_do_not_and_the_write_token_still_works(accounts_db):
    def record(title: str) -> dict:
        return {"title": title, "outlet": "Role Times", "text": "\n\n".join(
            f"The {title.lower()} paragraph number {n} says who may add articles to this shared server and "
            "who may not, in plenty of words." for n in range(6))}
    with make_client(accounts_db) as c:
        login(c, "root")
        root_token = c.post("/api/tokens", headers={"X-CSRF-Token": csrf(c)}).json()["token"]
        # An admin's session needs the CSRF header for the JSON write; the API token needs nothing more.
        assert c.post("/api/articles", json=record("Refused")).status_code == 403
        assert c.post("/api/articles", json=record("Admin session"),
                      headers={"X-CSRF-Token": csrf(c)}).status_code == 201
        login(c, "alice")
        alice_token = c.post("/api/tokens", headers={"X-CSRF-Token": csrf(c)}).json()["token"]
        refused = c.post("/api/articles", json=record("Refused"), headers={"X-CSRF-Token": csrf(c)})
        assert refused.status_code == 403 and "admin" in refused.json()["error"]["message"]
        sources = c.get("/sources").text
        assert 'name="token"' in sources  # a reader needs the server's write token to add
        assert c.post("/sources", data={"csrf": csrf(c), "url": "http://127.0.0.1:9/f.xml"}).status_code in (401, 403)
    with make_client(accounts_db) as app:
        assert app.post("/api/articles", json=record("Refused"), headers=bearer(alice_token)).status_code == 403
        made = app.post("/api/articles", json=record("Admin token"), headers=bearer(root_token))
        assert made.status_code == 201
        scripted = app.post("/api/articles", json=record("Write token"), headers=bearer(TOKEN))
        assert scripted.status_code == 201  # the server's write token, for scripts, as before
        assert app.post("/api/articles", json=record("Refused"), headers=bearer("wrong")).status_code == 403
    with make_client(accounts_db) as c:
        login(c, "root")
        html = c.get("/sources").text
        assert 'name="token"' not in html and "As an admin" in html
        added = c.post("/sources", data={"csrf": csrf(c), "url": "http://127.0.0.1:9/feed.xml"})
        assert added.status_code == 200 and "failed 1" in added.text  # tried (nothing listens there)


# -- isolation -------------------------------------------------------------------------------------------

def test_one_user_never_sees_or_changes_another_users_state_or_tokens(accounts_db):
    alice, bob = make_client(accounts_db), make_client(accounts_db)
    with alice, bob:
        login(alice, "alice")
        login(bob, "bob")
        article = some_article(alice)
        a_csrf, b_csrf = csrf(alice), csrf(bob)
        assert a_csrf != b_csrf
        alice.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": a_csrf})
        alice.post(f"/api/articles/{article}/saved", headers={"X-CSRF-Token": a_csrf})
        alice.post("/api/mutes", json={"kind": "keyword", "value": "Corvane"}, headers={"X-CSRF-Token": a_csrf})
        token = alice.post("/api/tokens", json={"label": "alice-only"}, headers={"X-CSRF-Token": a_csrf}).json()

        mine = bob.get(f"/api/articles/{article}").json()
        assert mine["read"] is False and mine["saved"] is False
        assert article not in [a["id"] for a in bob.get("/api/saved").json()["articles"]]
        assert f"/articles/{article}" not in bob.get("/saved").text
        assert bob.get("/api/mutes").json() == {"keyword": [], "outlet": []}
        assert "Corvane" in bob.get("/").text and "Corvane" not in alice.get("/").text
        assert bob.get("/api/unread").json()["total"] > alice.get("/api/unread").json()["total"]
        assert "alice-only" not in bob.get("/api/tokens").text
        # Bob cannot revoke Alice's token, nor use her CSRF token with his session.
        assert bob.delete(f"/api/tokens/{token['id']}", headers={"X-CSRF-Token": b_csrf}).status_code == 404
        assert alice.get("/api/me", headers=bearer(token["token"])).json()["name"] == "alice"
        assert bob.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": a_csrf}).status_code == 403
        assert bob.post(f"/articles/{article}/saved", data={"csrf": a_csrf, "saved": "0"}).status_code == 403
        assert alice.get(f"/api/articles/{article}").json()["saved"] is True
        # Bob's own changes stay his.
        bob.delete(f"/api/articles/{article}/read", headers={"X-CSRF-Token": b_csrf})
        assert alice.get(f"/api/articles/{article}").json()["read"] is True
        feed = bob.get("/api/feeds").json()["feeds"][0]["id"]
        bob.patch(f"/api/feeds/{feed}", json={"folder": "Bob's"}, headers={"X-CSRF-Token": b_csrf})
        assert alice.get("/api/feeds").json()["feeds"][0]["folder"] is None
        assert alice.get("/folders/Bob's").status_code == 404


# -- local mode ------------------------------------------------------------------------------------

def _small_db(path) -> str:
    batch = path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps({
        "title": f"The {topic} report", "outlet": outlet, "published": f"2026-11-1{n}T08:00:00Z",
        "url": f"https://{outlet.split()[0].lower()}.example/{topic}",
        "text": "\n\n".join(f"The {topic} committee met on day {k} and agreed on the {topic} plan for the "
                            f"{topic} district, said the {topic} officer in a long statement." for k in range(5))})
        for n, (topic, outlet) in enumerate([("harbour", "Lakeside Gazette"), ("orchard", "Valley Wire"),
                                             ("glacier", "Hill Times")])))
    return str(batch)


def test_local_mode_is_one_implicit_user_on_loopback_only(database, tmp_path):
    with open_store(database) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([_small_db(tmp_path)]).added == 3
    local = make_client(database, client=("127.0.0.1", 5000), base_url="http://127.0.0.1:8000")
    remote = make_client(database, client=("10.0.0.5", 5000), base_url="http://127.0.0.1:8000")
    with local, remote:
        me = local.get("/api/me").json()
        assert me["local"] is True and me["csrf"]
        article = some_article(local)
        assert local.post(f"/api/articles/{article}/read").status_code == 403  # CSRF even here
        assert local.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": me["csrf"]}).status_code == 200
        front = local.get("/")
        assert "Mark all read" in front.text and 'href="/unread"' in front.text

        # Another machine reads the same pages, without state and without forms.
        page = remote.get("/")
        assert page.status_code == 200 and "Mark all read" not in page.text and "csrf" not in page.text
        assert "read" not in remote.get(f"/api/articles/{article}").json()
        assert remote.get("/api/me").status_code == 403
        assert remote.post(f"/api/articles/{article}/read", headers={"X-CSRF-Token": me["csrf"]}).status_code == 403
        # Loopback, but a rebound DNS name or a proxy in front: not this machine's user.
        assert local.get("/api/me", headers={"Host": "evil.example"}).status_code == 403
        assert local.get("/api/me", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
        assert local.get("/login").status_code == 200 and "no accounts" in local.get("/login").text

        # The first account ends local mode: everyone logs in from then on.
        with Store(database) as store:
            accounts.create_user(store, "carol", PASSWORD)
        assert local.get("/").status_code == 303 and local.get("/api/me").status_code == 401


# -- reading state -------------------------------------------------------------------------------------

def test_opening_a_story_marks_it_read_and_it_can_be_unread(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "alice")
        story = max(c.get("/api/stories?limit=50").json()["stories"], key=lambda s: len(s["articles"]))
        assert c.get(f"/api/stories/{story['id']}?facts=false").json()["read"] in (False, True)
        c.post(f"/api/stories/{story['id']}/read", headers={"X-CSRF-Token": csrf(c)})
        c.delete(f"/api/stories/{story['id']}/read", headers={"X-CSRF-Token": csrf(c)})
        detail = c.get(f"/api/stories/{story['id']}?facts=false").json()
        assert detail["read"] is False and detail["unread"] == len(story["articles"])
        front = c.get("/").text
        assert re.search(rf'class="item story-item unread" id="story-{story["id"]}"', front)

        assert c.get(f"/stories/{story['id']}").status_code == 200  # opening it
        detail = c.get(f"/api/stories/{story['id']}?facts=false").json()
        assert detail["read"] is True and all(a["read"] for a in detail["articles"])
        assert re.search(rf'class="item story-item read" id="story-{story["id"]}"', c.get("/").text)

        back = c.post(f"/stories/{story['id']}/read", data={"csrf": csrf(c), "read": "0"})
        assert back.status_code == 303 and back.headers["location"] == f"/#story-{story['id']}"
        assert c.get(f"/api/stories/{story['id']}?facts=false").json()["read"] is False


def test_article_buttons_work_without_script(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "bob")
        article = some_article(c)
        html = c.get(f"/articles/{article}").text
        assert 'id="article-actions"' in html and ">Mark read<" in html and ">Save<" in html
        done = c.post(f"/articles/{article}/read", data={"csrf": form_csrf(html), "read": "1",
                                                          "next": f"/articles/{article}"})
        assert done.status_code == 303 and done.headers["location"] == f"/articles/{article}"
        c.post(f"/articles/{article}/saved", data={"csrf": form_csrf(html), "saved": "1"})
        html = c.get(f"/articles/{article}").text
        assert ">Mark unread<" in html and ">Unsave<" in html and "Read, saved" in html
        assert f'href="/articles/{article}"' in c.get("/saved").text
        as_json = c.post(f"/articles/{article}/saved", data={"csrf": form_csrf(html), "saved": "0"},
                         headers={"Accept": "application/json"})
        assert as_json.json() == {"id": article, "read": True, "saved": False}  # what the page's script reads


def test_mark_all_read_spares_what_arrived_after_the_page(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "bob")
        c.delete("/api/stories/1/read", headers={"X-CSRF-Token": csrf(c)})
        front = c.get("/").text
        form = re.search(r'<form class="mark-all" id="mark-all-read".*?</form>', front, re.S).group(0)
        before = re.search(r'name="before" value="([^"]+)"', form).group(1)
        # An article stored after the page was made (a minute later than its time).
        with Store(accounts_db) as store:
            late = store.rows("SELECT id FROM articles WHERE story_id = 1 ORDER BY id LIMIT 1")[0]["id"]
            store.execute("UPDATE articles SET fetched = '2999-01-01T00:00:00Z' WHERE id = :id", {"id": late})
        try:
            done = c.post("/mark-all-read", data={"csrf": form_csrf(form), "before": before, "next": "/"})
            assert done.status_code == 303
            unread = c.get("/api/unread").json()
            assert unread["total"] == 1
            assert c.get(f"/api/articles/{late}").json()["read"] is False
            assert c.get("/api/stories/1?facts=false").json()["unread"] == 1
            assert c.post("/mark-all-read", data={"csrf": form_csrf(form), "before": "yesterday"}).status_code == 422
            api = c.post("/api/mark-all-read", json={"before": "2999-01-01T00:00:00+00:00"},
                         headers={"X-CSRF-Token": csrf(c)})
            assert api.json() == {"marked": 1, "before": "2999-01-01T00:00:00Z"}
        finally:
            with Store(accounts_db) as store:
                store.execute("UPDATE articles SET fetched = :at WHERE id = :id", {"id": late, "at": before})


def test_mutes_hide_stories_from_the_front_page(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "root")
        stories = c.get("/api/stories?order=rank&limit=50").json()["stories"]
        shown = story_ids(c.get("/").text)
        assert len(shown) == len(stories)
        target = next(s for s in stories if "Corvane" in s["title"])
        c.post("/settings/mutes", data={"csrf": csrf(c), "kind": "keyword", "value": "corvane"})
        page = c.get("/").text
        assert target["id"] not in story_ids(page) and "hidden by your" in page
        assert "corvane" in c.get("/settings").text
        c.post("/settings/mutes", data={"csrf": csrf(c), "kind": "keyword", "value": "corvane", "action": "remove"})
        assert target["id"] in story_ids(c.get("/").text)

        single = next(s for s in stories if len(s["outlets"]) == 1)
        outlet = single["outlets"][0]
        c.post("/settings/mutes", data={"csrf": csrf(c), "kind": "outlet", "value": outlet})
        visible = story_ids(c.get("/").text)
        for s in stories:  # gone only when every one of its outlets is muted
            assert (s["id"] in visible) == (set(s["outlets"]) != {outlet}), s
        c.delete("/api/mutes", params={"kind": "outlet", "value": outlet}, headers={"X-CSRF-Token": csrf(c)})
        assert len(story_ids(c.get("/").text)) == len(stories)


def test_keywords_match_whole_words_in_title_or_brief():
    hide = story_filter({"keyword": ["wall", "sea wall"], "outlet": ["Gazette"]})
    assert hide({"title": "Harbour WALL repaired", "outlets": ["A"]})
    assert hide({"title": "Budget", "brief_text": "The new sea\nwall opens.", "outlets": ["A"]})
    assert not hide({"title": "A wallet found", "outlets": ["A"]})
    assert hide({"title": "Other", "outlets": ["gazette"]})
    assert not hide({"title": "Other", "outlets": ["Gazette", "Times"]})
    assert story_filter({"keyword": [], "outlet": []}) is None


def test_outlet_feed_and_folder_views(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "alice")
        outlet = c.get("/outlets/Valley%20Wire")
        assert outlet.status_code == 200 and "<h1>Valley Wire</h1>" in outlet.text
        listed = re.findall(r'<a class="outlet" href="/outlets/([^"]+)"', outlet.text)
        assert listed and set(listed) == {"Valley%20Wire"}
        assert c.get("/outlets/Nobody").status_code == 404
        feed = c.get("/api/feeds").json()["feeds"][0]
        view = c.get(f"/feeds/{feed['id']}").text
        assert set(re.findall(r'<a class="outlet" href="/outlets/([^"]+)"', view)) == {"Valley%20Wire",
                                                                                      "Coastline%20Times"}
        sources = c.get("/sources").text
        assert f'action="/feeds/{feed["id"]}/folder"' in sources and f'href="/feeds/{feed["id"]}"' in sources
        c.post(f"/feeds/{feed['id']}/folder", data={"csrf": csrf(c), "folder": "Wires"})
        assert c.get("/api/feeds").json()["feeds"][0]["folder"] == "Wires"
        folder = c.get("/folders/Wires")
        assert folder.status_code == 200 and len(re.findall(r'class="item article-item', folder.text)) == 14
        assert 'href="/folders/Wires"' in c.get("/sources").text
        # Unread only, and mark all read within the folder alone.
        assert c.post("/mark-all-read", data={"csrf": csrf(c), "folder": "Wires"}).status_code == 303
        assert "0 unread" in c.get("/folders/Wires").text
        assert "class=\"item article-item" not in c.get("/folders/Wires?unread=1").text
        counts = c.get("/api/unread").json()
        assert counts["outlets"].get("Valley Wire", 0) == 0 and counts["outlets"]["Northfield Courier"] > 0


def test_article_json_stays_backward_compatible_with_the_callers_flags(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "alice")
        listed = c.get("/api/articles?limit=3").json()["articles"]
        assert {"id", "url", "outlet", "title", "published", "added", "words", "story_id", "duplicate_of",
                "read", "saved"} <= set(listed[0])
        one = c.get(f"/api/articles/{listed[0]['id']}").json()
        assert {"text", "author", "language", "fetched", "canonical_url", "read", "saved"} <= set(one)
        hits = c.get("/api/search?q=river").json()
        assert all("read" in h and "saved" in h for h in hits["articles"])
        assert all("read" in s for s in c.get("/api/stories").json()["stories"])


def test_the_keys_are_listed_in_the_help_overlay(accounts_db):
    with make_client(accounts_db) as c:
        login(c, "alice")
        html = c.get("/").text
        overlay = re.search(r'<aside class="help" id="help".*?</aside>', html, re.S).group(0)
        for key in ("j", "k", "m", "s", "A", "o", "v", "/", "?"):
            assert f"<kbd>{key}</kbd>" in overlay, key
        assert 'href="#help"' in html  # reachable without script too
