"""A real Google Reader client: Debian's newsboat (2.21, FeedHQ mode) against
`storyline serve` on 127.0.0.1, over the demo corpus and one polled feed.
It lists the subscriptions, its unread count is the server's, what is marked
read on the server is read in newsboat, the web reader and /api, and what is
read in newsboat (driven through a pseudo-terminal) is read on the server."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from urllib.parse import urlencode

import httpx
import pytest

from storyline import accounts
from storyline.ingest import Ingestor
from storyline.storage import Store
from tests.conftest import DEMO, ROOT, NewsServer, offline
from tests.pages import rss, story_paragraphs

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (./run test installs "
                                                         "Debian's newsboat when it can)")
PASSWORD = "newsboat reader pw"
READ = "user/-/state/com.google/read"
READING = "user/-/state/com.google/reading-list"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def storyline(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo corpus, a feed of two articles, users reader and other, and
    `storyline serve --no-poll` on a free port."""
    folder = tmp_path_factory.mktemp("newsboat")
    db = str(folder / "news.db")
    with Store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO)]).added == 44
    feeds = NewsServer()
    feeds.page("/feed.xml", rss([{"title": f"Update on {t}", "link": f"https://lakeside.example/news/{t.replace(' ', '-')}",
                                  "content": "".join(f"<p>{p}</p>" for p in story_paragraphs(t))}
                                 for t in ("the harbour wall", "the tram depot")]), "application/rss+xml")
    feed = feeds.url("/feed.xml")
    storyline("--db", db, "--allow-private", "add", feed)
    storyline("--db", db, "user", "add", "reader", env={"STORYLINE_PASSWORD": PASSWORD})
    with Store(db) as store:
        accounts.create_user(store, "other", PASSWORD)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "storyline", "--db", db, "serve", "--no-poll", "--port", str(port)],
                              env={**os.environ, "PYTHONPATH": str(ROOT), "STORYLINE_TOKEN": ""},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stderr.read()
        assert time.monotonic() < deadline, "storyline serve did not start"
        time.sleep(0.2)
    home = folder / "home"
    home.mkdir()
    # newsboat joins feedhq-url and "/accounts/ClientLogin", "/reader/api/0/…", "/reader/atom/<escaped stream>":
    # with the trailing slash people write, the paths start with a double slash, which the server takes.
    (home / "config").write_text(
        'urls-source "feedhq"\n'
        f'feedhq-url "{base}/api/greader/"\n'
        'feedhq-login "reader"\n'
        f'feedhq-password "{PASSWORD}"\n'
        'feedhq-show-special-feeds "no"\n'  # its special feeds are fixed feedhq.org addresses
        'feedhq-min-items 1000\n')  # items asked per feed (default 20): all of them, to compare counts
    try:
        yield {"db": db, "base": base, "feed": feed, "home": home}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        feeds.close()


def newsboat_env(site) -> dict:
    return {**os.environ, "HOME": str(site["home"]), "TERM": "xterm", "LANG": "C.UTF-8"}


def reload_unread(site) -> int:
    """`newsboat -x reload print-unread`: the unread count it prints."""
    done = subprocess.run([NEWSBOAT, "-C", "config", "-c", "cache.db", "-x", "reload", "print-unread"],
                          cwd=site["home"], env=newsboat_env(site), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"(\d+) unread articles", done.stdout)
    assert found, done.stdout + done.stderr
    return int(found.group(1))


def cache(site, sql: str) -> list[tuple]:
    with sqlite3.connect(site["home"] / "cache.db") as conn:
        return conn.execute(sql).fetchall()


class Api:
    """The Google Reader API as one user, through plain HTTP."""

    def __init__(self, site, name: str):
        self.base = site["base"] + "/api/greader"
        login = httpx.post(self.base + "/accounts/ClientLogin", data={"Email": name, "Passwd": PASSWORD})
        assert login.status_code == 200, login.text
        self.token = re.search(r"^Auth=(.+)$", login.text, re.M).group(1)
        self.headers = {"Authorization": f"GoogleLogin auth={self.token}"}

    def get(self, path: str, **params):
        reply = httpx.get(self.base + "/reader/api/0/" + path, params=params, headers=self.headers)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def edit(self, path: str, fields: list[tuple[str, str]]) -> str:
        token = httpx.get(self.base + "/reader/api/0/token", headers=self.headers).text
        reply = httpx.post(self.base + "/reader/api/0/" + path, content=urlencode(fields + [("T", token)]),
                           headers={**self.headers, **FORM})
        assert reply.status_code == 200, reply.text
        return reply.text

    def unread(self) -> dict[str, int]:
        return {e["id"]: e["count"] for e in self.get("unread-count", output="json")["unreadcounts"]}

    def unread_ids(self, stream: str) -> set[int]:
        return {int(r["id"]) for r in self.get("stream/items/ids", s=stream, xt=READ, n=10000)["itemRefs"]}

    def read_in_api(self, article_id: int) -> bool:
        """What the JSON API says of the article, asked with this user's token."""
        reply = httpx.get(f"{self.base.rsplit('/api/', 1)[0]}/api/articles/{article_id}",
                          headers={"Authorization": f"Bearer {self.token}"})
        assert reply.status_code == 200, reply.text
        return reply.json()["read"]

    def read_on_page(self, article_id: int) -> bool:
        """What the web reader's article page shows this user."""
        reply = httpx.get(f"{self.base.rsplit('/api/', 1)[0]}/articles/{article_id}",
                          headers={"Authorization": f"Bearer {self.token}"})
        assert reply.status_code == 200, reply.text
        marked = re.search(r'<article class="article (read|unread)"', reply.text)
        assert marked, "the article page shows no read state"
        return marked.group(1) == "read"


def item_number(guid: str) -> int:
    return int(guid.rsplit("/", 1)[1], 16)


def feed_articles(site) -> list[int]:
    with Store(site["db"]) as store:
        return [r["id"] for r in store.rows("SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id "
                                            "WHERE f.url = :url ORDER BY a.id", {"url": site["feed"]})]


def flags(site, name: str, ids: list[int]) -> dict[int, bool]:
    with Store(site["db"]) as store:
        user = store.user(name=name)
        return {i: f["read"] for i, f in store.article_flags(user["id"], ids).items()}


def test_newsboat_lists_the_subscriptions_with_the_servers_unread_count(site):
    unread = reload_unread(site)
    reader = Api(site, "reader")
    assert unread == reader.unread()[READING]
    subscriptions = reader.get("subscription/list", output="json")["subscriptions"]
    titles = {title for (title,) in cache(site, "SELECT title FROM rss_feed")}
    assert titles == {s["title"] for s in subscriptions}
    assert {"Lakeside Gazette", "Valley Wire", "Storyline: stories"} <= titles
    assert cache(site, "SELECT COUNT(*) FROM rss_item")[0][0] == len(reader.unread_ids(READING)) == unread
    stories = reader.unread_ids("feed/storyline:stories")
    assert stories and all(item_number(g) in stories for (g,) in cache(
        site, "SELECT guid FROM rss_item WHERE feedurl LIKE '%storyline%3Astories%'"))


def test_read_on_the_server_shows_in_newsboat_the_web_reader_and_the_api(site):
    reader, other = Api(site, "reader"), Api(site, "other")
    article = feed_articles(site)[0]
    before = reload_unread(site)
    assert not reader.read_in_api(article) and not reader.read_on_page(article)
    assert reader.edit("edit-tag", [("i", f"tag:google.com,2005:reader/item/{article:016x}"), ("a", READ)]) == "OK"
    assert reload_unread(site) == before - 1 == reader.unread()[READING]
    guid = f"tag:google.com,2005:reader/item/{article:016x}"
    assert cache(site, f"SELECT unread FROM rss_item WHERE guid = '{guid}'") == [(0,)]
    assert reader.read_in_api(article) and reader.read_on_page(article)
    assert not other.read_in_api(article) and not other.read_on_page(article)
    assert flags(site, "reader", [article]) == {article: True} and flags(site, "other", [article]) == {article: False}
    # Unread again on the server: newsboat follows (its items carry the server's state).
    reader.edit("edit-tag", [("i", str(article)), ("r", READ)])
    assert reload_unread(site) == before


class Terminal:
    """newsboat's screen in a pseudo-terminal: keys in, text out."""

    def __init__(self, site):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
        self.master, self.seen = master, ""
        self.process = subprocess.Popen([NEWSBOAT, "-C", "config", "-c", "cache.db"], cwd=site["home"],
                                        env=newsboat_env(site), stdin=slave, stdout=slave, stderr=slave,
                                        start_new_session=True)
        os.close(slave)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            assert time.monotonic() < deadline, f"newsboat never showed {text!r}; last screen: {self.seen[-500:]!r}"
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break

    def press(self, keys: str, then: str | None = None) -> None:
        self.seen = ""
        os.write(self.master, keys.encode())
        if then:
            self.wait_for(then)

    def quit(self) -> None:
        for _ in range(4):  # back out of article, list and feeds
            if self.process.poll() is not None:
                break
            os.write(self.master, b"q")
            time.sleep(0.5)
        try:
            assert self.process.wait(timeout=20) == 0
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.master)


def eventually(check, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_reading_in_newsboat_reaches_the_server(site):
    """Opening an article in newsboat marks it read there and on the server
    (edit-tag); "A" on a feed marks the whole feed read (mark-all-as-read)."""
    reader, other = Api(site, "reader"), Api(site, "other")
    articles = feed_articles(site)
    feed_stream = "feed/" + site["feed"]
    reload_unread(site)
    assert reader.unread_ids(feed_stream) == set(articles)
    screen = Terminal(site)
    try:
        screen.wait_for("Your feeds")
        screen.press("\r", then="Articles in feed")  # the first feed: the subscribed one, Lakeside Gazette
        screen.press("\r", then="Open in Browser")  # the article view
    finally:
        screen.quit()
    read_here = [item_number(g) for (g,) in cache(site, "SELECT guid FROM rss_item WHERE unread = 0")]
    assert len(read_here) == 1 and read_here[0] in articles
    eventually(lambda: reader.unread_ids(feed_stream) == set(articles) - set(read_here))
    assert reader.read_in_api(read_here[0]) and not other.read_in_api(read_here[0])

    screen = Terminal(site)
    try:
        screen.wait_for("Your feeds")
        screen.press("A", then="(0/")
    finally:
        screen.quit()
    eventually(lambda: reader.unread_ids(feed_stream) == set())
    assert flags(site, "reader", articles) == {a: True for a in articles}
    assert flags(site, "other", articles) == {a: False for a in articles}
    assert other.unread_ids(feed_stream) == set(articles)
    assert reload_unread(site) == reader.unread()[READING]
