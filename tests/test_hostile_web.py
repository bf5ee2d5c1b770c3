"""The reader and the API under attack: search cost, 500s, request bodies before
authentication, XML-safe feeds, throttled token guesses, the Host header, and
a server that stops on SIGTERM mid-request. Real SQLite files; the server tests
run `serve()` (uvicorn) in a subprocess on 127.0.0.1."""
from __future__ import annotations

import base64
import json
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager

import httpx
import pytest
from lxml import etree

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.ingest import Ingestor, content_hash
from storyline.model import Article
from storyline.storage import Store
from storyline.storage.search import SearchInterrupted
from storyline.web import create_app
from storyline.web.feeds import Feed, Item, render
from tests.conftest import ROOT, offline
from tests.pages import story_paragraphs

TOKEN = "hostile-token"
FLOOD = 60_000  # repeats of one word in the pathological article
FORBIDDEN = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ufffe\uffff"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cursor(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    """Normal articles in stories, plus one article holding one word 60,000 times."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    batch = path.parent / "batch.jsonl"
    batch.write_text("\n".join(json.dumps({
        "title": f"The {topic} river report", "outlet": outlet, "published": f"2026-11-1{n}T08:00:00Z",
        "url": f"https://{outlet.split()[0].lower()}.example/{topic}",
        "text": "\n\n".join(story_paragraphs(f"the {topic} river"))})
        for n, (topic, outlet) in enumerate([("harbour", "Lakeside Gazette"), ("orchard", "Valley Wire"),
                                             ("glacier", "Hill Times")])))
    with Store(path) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(batch)]).added == 3
        text = "river " * FLOOD
        store.insert_article(Article(
            url="https://flood.example/1", canonical_url="https://flood.example/1", title="Word flood",
            text=text, raw_text=text, outlet="Flood Post", published="2026-11-01T08:00:00Z",
            content_hash=content_hash(text)))
    return str(path)


@pytest.fixture
def app_client(hostile_db):
    def make(**kwargs) -> TestClient:
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("settings", offline())
        return TestClient(create_app(hostile_db, **kwargs))
    return make


# -- 1. search cost ------------------------------------------------------------------------------

def test_a_word_stored_60000_times_is_found_fast_with_a_sane_snippet(app_client):
    c = app_client()
    for url in ("/api/search?q=river&limit=50", "/search?q=river", "/search.rss?q=river", "/api/search?q=rivers"):
        started = time.monotonic()
        response = c.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        assert time.monotonic() - started < 1.5, url
    hits = c.get("/api/search?q=river&limit=50").json()["articles"]
    flood = next(h for h in hits if h["title"] == "Word flood")
    assert len(hits) == 4 and flood["snippet"].startswith("river river")
    assert len(flood["snippet"]) < 200 and 1 <= flood["snippet_html"].count("<mark>") <= 20
    normal = next(h for h in hits if h["title"] != "Word flood")
    assert "<mark>river</mark>" in normal["snippet_html"]
    page = c.get("/search?q=river").text
    assert page.count("<mark>") < 500 and "Word flood" in page


def test_store_search_is_bounded_and_keeps_its_shape(hostile_db):
    with Store(hostile_db) as store:
        started = time.monotonic()
        rows = store.search_page("river", limit=20)
        assert time.monotonic() - started < 1.0
        assert {"snippet", "title_marked", "rank", "title", "outlet"} <= set(rows[0])
        assert all("\x02river\x03" in r["snippet"] for r in rows)
        assert all(r["title_marked"].count("\x02") == r["title_marked"].count("\x03") for r in rows)
        plain = store.search("river")
        assert plain and all("[river]" in r["snippet"] for r in plain)
        assert store.search_page("\x00river\x1b") and store.search_page("!!! ?") == []
        with pytest.raises(SearchInterrupted, match="shutting down"):
            store.search_page("river", cancelled=lambda: True)
        with pytest.raises(SearchInterrupted, match="budget"):
            store.search_page("river", budget=1e-9)
        assert store.search_page("river", limit=1)  # the connection is usable again
        late = "Calm water. " * 600 + "The lighthouse keeper retired."  # the match is 7 KB in
        store.insert_article(Article(url="https://late.example/1", canonical_url="https://late.example/1",
                                     title="Late match", text=late, raw_text=late, outlet="Late Post",
                                     content_hash=content_hash(late)))
        snippet = store.search_page("lighthouse")[0]["snippet"]
        assert snippet.startswith("… ") and snippet.endswith("water. The \x02lighthouse\x03 keeper retired.")


def test_a_search_over_its_budget_is_a_clear_503(app_client, monkeypatch):
    c = app_client(search_budget=1e-9)
    api = c.get("/api/search?q=river")
    assert api.status_code == 503 and "budget" in api.json()["error"]["message"]
    assert int(api.headers["retry-after"]) >= 1
    page = c.get("/search?q=river")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "budget" in page.text and page.headers["retry-after"]
    assert c.get("/search.atom?q=river").status_code == 503
    monkeypatch.setenv("STORYLINE_SEARCH_BUDGET", "0.000000001")
    assert app_client().get("/api/search?q=river").status_code == 503
    monkeypatch.setenv("STORYLINE_SEARCH_BUDGET", "soon")
    with pytest.raises(ValueError, match="STORYLINE_SEARCH_BUDGET"):
        app_client()


def test_searches_stop_when_the_server_is_stopping(app_client):
    c = app_client()
    c.app.state.reader.stopping.set()
    response = c.get("/api/search?q=river")
    assert response.status_code == 503 and "shutting down" in response.json()["error"]["message"]


def test_hammering_search_from_one_client_gets_429(app_client):
    app = app_client(search_rate=(5, 60.0)).app
    c = TestClient(app)
    codes = [c.get(url).status_code for url in ["/api/search?q=river", "/search?q=river", "/search.json?q=river"] * 4]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    limited = c.get("/api/search?q=river")
    assert limited.json()["error"]["message"].startswith("too many search") and limited.headers["retry-after"]
    assert c.get("/search").status_code == 200  # the empty search form is not a search
    other = TestClient(app, client=("10.0.0.9", 4000))
    assert other.get("/api/search?q=river").status_code == 200


def test_rate_limits_come_from_the_environment(app_client, monkeypatch):
    monkeypatch.setenv("STORYLINE_SEARCH_RATE", "2")
    c = app_client()
    assert [c.get("/api/search?q=river").status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.setenv("STORYLINE_AUTH_RATE", "ten")
    with pytest.raises(ValueError, match="STORYLINE_AUTH_RATE must be a whole number"):
        app_client()


# -- 2. never a 500 ------------------------------------------------------------------------------

BAD_IDS = [str(2 ** 63), str(2 ** 63 - 1), str(2 ** 64 + 5), "-1", "0", str(-(2 ** 63) - 1), "1" * 5000,
           "9" * 30, "1e3", "%00", "１"]
BAD_CURSORS = [cursor([1, 2]), cursor({"offset": "x"}), cursor({"offset": 1e308}), cursor({"offset": 2 ** 70}),
               cursor({"offset": -1}), cursor({"offset": True}), cursor({"last_seen": [1], "id": {}}),
               cursor({"last_seen": "x", "id": 2 ** 70}), cursor({"published": None, "id": "1"}),
               cursor({"published": None, "id": 2 ** 63}), cursor(b"[" * 300), cursor(b"\xff\xfe"),
               "A" * 10_240, "é", "%00", "....", cursor({"offset": 0, "x": 1})]
BAD_QUERIES = ["%00", "a%00b", "%01%1b", "!!!", "%22", "*", "NEAR(", "%ED%A0%80", "%EF%BF%BF", "a" * 501,
               "%22%20OR%20*", "-", "%7F"]


def assert_readable_4xx(response, url: str) -> None:
    assert 400 <= response.status_code < 500 or response.status_code == 200, (url, response.status_code)
    if response.status_code >= 400 and (url.startswith("/api/") or ".json" in url.split("?")[0]):
        body = response.json()
        assert body["error"]["status"] == response.status_code and body["error"]["message"], url
        assert "\n" not in body["error"]["message"]


def test_every_route_answers_hostile_values_with_a_readable_4xx(app_client):
    c = app_client(search_rate=(10_000, 60.0), summary_rate=(10_000, 60.0))
    urls = []
    for value in BAD_IDS:
        urls += [f"/api/stories/{value}", f"/api/articles/{value}", f"/api/articles/{value}/summary",
                 f"/stories/{value}", f"/stories/{value}/facts", f"/articles/{value}",
                 f"/articles/{value}?summary=1"]
    for value in BAD_CURSORS:
        urls += [f"/api/stories?cursor={value}", f"/api/stories?order=rank&cursor={value}",
                 f"/api/articles?cursor={value}", f"/api/search?q=river&cursor={value}"]
    for value in BAD_QUERIES:
        urls += [f"/api/search?q={value}", f"/search?q={value}", f"/search.rss?q={value}",
                 f"/search.atom?q={value}", f"/search.json?q={value}", f"/api/articles?outlet={value}"]
    urls += ["/?page=99999999999999999999", "/search?q=river&page=-1", "/api/stories?limit=99999999999999999999"]
    for url in urls:
        response = c.get(url)
        assert_readable_4xx(response, url)
        assert response.status_code != 429, url
    assert c.get(f"/api/stories/{2 ** 63}").status_code == 422 and c.get(f"/stories/{2 ** 63}").status_code == 404
    assert c.get(f"/api/articles/{2 ** 63 - 1}").status_code == 404
    assert c.get(f"/api/stories?cursor={BAD_CURSORS[3]}").json()["error"]["message"].startswith("bad cursor")
    assert c.get("/api/search?q=%00%01").status_code == 400  # nothing left to look for
    assert c.get("/api/search?q=river%00").json()["articles"]


@pytest.mark.parametrize("route", ["/api/articles", "/api/sources"])
def test_hostile_json_bodies_are_4xx(app_client, route):
    c = app_client()
    headers = auth() | {"Content-Type": "application/json"}
    deep = c.post(route, content=b"[" * 100_000, headers=headers)
    assert deep.status_code == 400 and "nested" in deep.json()["error"]["message"]
    deep_object = c.post(route, content=b'{"url": ' + b"[" * 5000 + b"]" * 5000 + b"}", headers=headers)
    assert_readable_4xx(deep_object, route)
    surrogate = c.post(route, content=b'{"title": "\\ud800", "text": "x", "url": "https://a.example/\\udfff"}',
                       headers=headers)
    assert surrogate.status_code == 400 and "surrogate" in surrogate.json()["error"]["message"]
    for url in ("http://127.0.0.1:65536/", "http://127.0.0.1:99999999999999999999/", "http://[::1/feed",
                "http://[zz::1]/feed", "http://[::1]:port/", "http://:80/", "https://a.example:-1/"):
        response = c.post(route, json={"url": url}, headers=auth())
        assert response.status_code == 422, (url, response.text)
        assert "url" in response.json()["error"]["message"]


def test_the_sources_form_refuses_a_malformed_address(app_client):
    c = app_client()
    for url in ("http://127.0.0.1:65536/", "http://[::1/feed"):
        response = c.post("/sources", data={"url": url, "token": TOKEN})
        assert response.status_code == 422 and "cannot be used" in response.text


# -- 3. bodies refused before they are read (TestClient part; the real server below) -------------

def test_declared_oversized_bodies_are_413_before_reading(app_client):
    c = app_client()
    huge = {"Content-Length": str(10 ** 9)}
    api = c.post("/api/articles", content=b"{}", headers=auth() | huge | {"Content-Type": "application/json"})
    assert api.status_code == 413 and "bytes" in api.json()["error"]["message"]
    form = c.post("/sources", content=b"token=x", headers=huge | {"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413 and form.headers["content-type"].startswith("text/html")
    assert c.post("/api/articles", content=b"{}", headers=auth() | {"Content-Length": "12abc"}).status_code == 400
    streamed = c.post("/api/articles", content=iter([b"x" * 1024] * 3000), headers=auth())
    assert streamed.status_code == 413


def test_writes_without_a_token_are_refused_before_the_body(app_client):
    closed = app_client(token=None)
    form = closed.post("/sources", files={"opml": ("a.opml", b"x" * 100, "text/xml")}, data={"token": "t"})
    assert form.status_code == 403 and "no write token" in form.text
    c = app_client()
    assert c.post("/api/articles", content=b"{}", headers={"Content-Length": str(10 ** 6)}).status_code == 401


# -- 4. feeds out are well-formed XML whatever is stored --------------------------------------------

def test_feeds_stay_well_formed_with_every_character_xml_forbids(tmp_path):
    db = tmp_path / "controls.db"
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"title": "Control river", "outlet": "Plain Outlet",
                                 "text": "\n\n".join(story_paragraphs("the control river"))}))
    with Store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(batch)]).added == 1
        store.execute("UPDATE articles SET title = :title, text = text || :end",
                      {"title": f"Control{FORBIDDEN} river", "end": f" river{FORBIDDEN}end"})
        store.execute("UPDATE stories SET title = :title", {"title": f"Story{FORBIDDEN}title"})
        store.execute("UPDATE outlets SET name = :name", {"name": f"Outlet{FORBIDDEN}name"})
        store.execute("DELETE FROM briefs")
    with TestClient(create_app(str(db))) as c:
        for url in ("/feed.rss", "/feed.atom", "/search.rss?q=river", "/search.atom?q=river"):
            response = c.get(url)
            assert response.status_code == 200, url
            root = etree.fromstring(response.content, etree.XMLParser(recover=False))
            assert len(root.xpath("//*[local-name()='item' or local-name()='entry']")) == 1, url
            assert "Control river" in response.text or "Storytitle" in response.text
        for url in ("/feed.json", "/search.json?q=river"):
            assert len(json.loads(c.get(url).content)["items"]) == 1


def test_feed_writer_drops_lone_surrogates_and_noncharacters():
    nasty = "a\ud800b\udfffc" + FORBIDDEN + "d"
    feed = Feed(nasty, "http://x.example/", {k: "http://x.example/f" for k in ("rss", "atom", "json")},
                [Item("http://x.example/1", "http://x.example/1", nasty, nasty, None, [nasty])])
    for kind in ("rss", "atom"):
        root = etree.fromstring(render(feed, kind).encode("utf-8"), etree.XMLParser(recover=False))
        assert "abcd" in etree.tostring(root, encoding="unicode")
    assert json.loads(render(feed, "json").encode("utf-8"))["items"][0]["title"] == "abcd"


# -- 5. wrong tokens are throttled ---------------------------------------------------------------

def test_wrong_token_guesses_are_throttled_before_comparing(app_client):
    app = app_client().app
    c = TestClient(app)
    record = {"title": "Guess", "text": "x"}
    started = time.monotonic()
    codes = [c.post("/api/articles", json=record, headers=auth(f"guess-{n}")).status_code for n in range(330)]
    assert time.monotonic() - started < 5
    assert codes[:10] == [403] * 10 and set(codes[10:]) == {429}
    limited = c.post("/api/articles", json=record, headers=auth())  # even the right token: not compared
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "failed write attempts" in limited.json()["error"]["message"]
    assert c.post("/sources", data={"url": "https://x.example/f", "token": TOKEN}).status_code == 429
    other = TestClient(app, client=("10.0.0.7", 5000))
    made = other.post("/api/articles", headers=auth(), json={
        "title": "Right token", "outlet": "T", "text": "\n\n".join(story_paragraphs("the right token"))})
    assert made.status_code == 201, made.text


def test_wrong_tokens_in_the_form_are_throttled(app_client):
    app = app_client(auth_failure_rate=(3, 60.0)).app
    c = TestClient(app, client=("10.0.0.8", 5000))
    codes = [c.post("/sources", data={"url": "https://x.example/f", "token": "nope"}).status_code for _ in range(5)]
    assert codes == [403, 403, 403, 429, 429]


# -- 6. the Host header ------------------------------------------------------------------------------

def test_feed_links_never_come_from_the_host_header(app_client, monkeypatch):
    c = app_client()
    for url in ("/feed.rss", "/feed.atom", "/feed.json", "/search.rss?q=river"):
        body = c.get(url, headers={"Host": "evil.example"}).text
        assert "evil.example" not in body and "http://testserver/" in body, url
    configured = app_client(base_url="https://news.example.org/").get("/feed.atom", headers={"Host": "evil.example"})
    assert "https://news.example.org/stories/" in configured.text and "evil.example" not in configured.text
    monkeypatch.setenv("STORYLINE_BASE_URL", "https://env.example.org")
    assert "https://env.example.org/feed.rss" in app_client().get("/feed.rss").text
    with pytest.raises(ValueError, match="base URL"):
        app_client(base_url="javascript:alert(1)")


# -- a real server: bodies, SIGTERM ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: str, token: str | None = TOKEN):
    """`serve()` (uvicorn) in a subprocess on 127.0.0.1: (process, port)."""
    port = free_port()
    code = ("import sys; from storyline.web.serve import serve; "
            "serve(sys.argv[1], port=int(sys.argv[2]), token=sys.argv[3] or None)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-c", code, db, str(port), token or ""], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


OPML_PART = (b'--b\r\nContent-Disposition: form-data; name="opml"; filename="a.opml"\r\n'
             b"Content-Type: text/xml\r\n\r\n")


def push_body(port: int, head: str, total: int, chunked: bool) -> tuple[str, int]:
    """Send a request head (and the start of a file part for a form), then up to
    `total` body bytes, stopping as soon as the server answers: (the answer's
    status line, body bytes sent before it)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    pending = head.encode() + b"\r\n"
    if "multipart" in head:
        pending += (b"%x\r\n" % len(OPML_PART)) + OPML_PART + b"\r\n" if chunked else OPML_PART
    sent, answer = 0, b""
    piece = b"x" * 65536
    frame = (b"%x\r\n" % len(piece)) + piece + b"\r\n" if chunked else piece
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and b"\r\n" not in answer:
            readable, writable, _ = select.select([sock], [sock] if sent < total or pending else [], [], 1)
            if readable:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
                continue
            if writable:
                if not pending:
                    pending = frame
                    sent += len(piece)
                pending = pending[sock.send(pending):]
    except (BrokenPipeError, ConnectionResetError):
        try:
            answer += sock.recv(65536)
        except OSError:
            pass
    finally:
        sock.close()
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), sent


BIG = 200 * 1024 * 1024


@pytest.fixture(scope="module")
def live(hostile_db):
    with serving(hostile_db) as (proc, port):
        yield port


@pytest.mark.parametrize("head, status", [
    ("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     f"Content-Length: {BIG}\r\n", 413),  # the size is refused first
    ("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     "Content-Length: 1000000\r\n", 401),
    ("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     "Transfer-Encoding: chunked\r\n", 401),
    ("POST /api/sources HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     f"Authorization: Bearer {TOKEN}\r\nContent-Length: {BIG}\r\n", 413),
    ("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     f"Authorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n", 413),
    ("POST /sources HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
     "Transfer-Encoding: chunked\r\n", 413),
    ("POST /sources HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
     f"Content-Length: {BIG}\r\n", 413),
])
def test_a_200_mb_upload_is_answered_before_it_is_sent(live, head, status):
    started = time.monotonic()
    line, sent = push_body(live, head, BIG, chunked="chunked" in head)
    assert line.startswith(f"HTTP/1.1 {status}"), (line, sent)
    assert sent < 8 * 1024 * 1024 and time.monotonic() - started < 10


def test_a_read_only_server_refuses_uploads_unread(hostile_db):
    with serving(hostile_db, token=None) as (_, port):
        line, sent = push_body(port, "POST /sources HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n",
                               BIG, chunked=True)
        assert line.startswith("HTTP/1.1 403") and sent < 8 * 1024 * 1024


def test_the_live_server_ignores_the_host_header(live):
    body = httpx.get(f"http://127.0.0.1:{live}/feed.rss", headers={"Host": "evil.example"}).text
    assert "evil.example" not in body and f"http://127.0.0.1:{live}/stories/" in body


def test_sigterm_stops_the_server_mid_request(hostile_db, tmp_path):
    """A request waiting for its body and a write stuck behind another process's
    lock (SQLite would wait 30 s) do not keep the server up after SIGTERM."""
    with serving(hostile_db) as (proc, port):
        trickle = socket.create_connection(("127.0.0.1", port))
        trickle.sendall(f"POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{".encode())
        blocker = sqlite3.connect(hostile_db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        stuck = threading.Thread(target=lambda: httpx.post(
            f"http://127.0.0.1:{port}/api/articles", headers=auth(), timeout=40,
            json={"title": "Stuck", "outlet": "T", "text": "\n\n".join(story_paragraphs("a stuck write"))}),
            daemon=True)
        stuck.start()
        time.sleep(0.5)
        assert proc.poll() is None
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=8)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
            trickle.close()
        assert time.monotonic() - started < 6
