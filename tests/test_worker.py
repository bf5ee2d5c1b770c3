"""Always on (storyline.worker): a farm of 50 loopback feeds - slow, failing,
rate-limited, answering 304, gaining items - polled on a short interval with no
manual fetch; the per-host gate and the global cap seen from the server's side;
a worker killed mid-batch and started again; two workers on one database."""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from storyline.config import FetchSettings
from storyline.fetch import FetchError, Fetcher
from storyline.storage import Store
from storyline.worker import Worker, WorkerSettings
from tests.conftest import ROOT, Reply
from tests.pages import article_html, rss

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")  # four hosts for the per-host gate


@dataclass
class Hit:
    host: str
    path: str
    headers: dict[str, str]
    start: float
    ready: float = 0.0  # the answer is about to be sent (after any delay): the client reads it after this
    status: int = 0


class Farm:
    """One route table served on several loopback addresses, each its own host
    for the fetcher's per-host gate; every request is logged with its host, when
    it came in and when its answer was ready."""

    def __init__(self, hosts: tuple[str, ...] = HOSTS) -> None:
        self.routes: dict[str, Callable[[dict[str, str]], Reply]] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                hit = Hit(self.server.server_address[0], self.path, dict(self.headers), time.monotonic())
                with farm.lock:
                    farm.hits.append(hit)
                    route = farm.routes.get(self.path)
                    reply = route(hit.headers) if route else Reply(404, b"not found", {"Content-Type": "text/plain"})
                if reply.delay:
                    time.sleep(reply.delay)
                hit.status, hit.ready = reply.status, time.monotonic()
                try:
                    self.send_response(reply.status)
                    for key, value in {"Content-Length": str(len(reply.body)), **reply.headers}.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # a client closing its idle keep-alive connection

        self.servers = []
        for host in hosts:
            try:
                httpd = Server((host, 0), Handler)
            except OSError as exc:  # Linux routes all of 127/8 to loopback; not every system does
                pytest.skip(f"cannot listen on {host}: {exc}")
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            self.servers.append(httpd)
        self.ports = {host: httpd.server_address[1] for host, httpd in zip(hosts, self.servers)}

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.ports[host]}{path}"

    def of(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def close(self) -> None:
        for httpd in self.servers:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture
def farm():
    f = Farm()
    yield f
    f.close()


def loopback(hosts=HOSTS) -> FetchSettings:
    return FetchSettings(timeout=2.0, retries=0, backoff=0.01, allowed_networks=("127.0.0.0/8",),
                         only_hosts=frozenset(hosts))


NOUNS = """anchor apricot archive badge balcony barley basket beacon biscuit blanket boiler bracelet bucket
cabinet cactus canal candle canvas carpet cellar chimney cinema clover compass copper cottage crystal cushion
dolphin drum eagle easel elevator engine falcon fence fiddle fountain furnace garage garlic glacier goat granite
hammer harbour helmet hive honey iceberg island ivory jacket jasmine kettle kiosk ladder lantern lemon lighthouse
locomotive magnet marble meadow mirror monastery mustard needle nest oyster paddle palace pepper piano pigeon
pottery pulley quarry quilt rabbit radio raft ribbon saddle salmon satellite scooter shovel silver skate sledge
spindle statue telescope thimble timber tractor trumpet tunnel turbine umbrella valve velvet violin walnut
wheelbarrow whistle windmill yacht yoghurt zeppelin""".split()
SYLLABLES = "al bar cor dun el fen gar hol is jar kel lor mar nor or pel quin ros sal tor ul ven wil yar zan".split()


def distinct_paragraphs(seed: int) -> list[str]:
    """News-like paragraphs whose names and nouns few other seeds share, so
    that each test article is a story of its own, neither a near-copy nor a
    member of one big story (briefing that grows with every poll)."""
    rng = random.Random(seed)
    name = lambda: "".join(rng.sample(SYLLABLES, 2)).title()
    nouns, people, places = rng.sample(NOUNS, 8), [f"{name()} {name()}" for _ in range(2)], [name() for _ in range(2)]
    return [f"{people[i % 2]} said on Tuesday that the {nouns[i]} in {places[i % 2]} would be replaced by a "
            f"{nouns[i + 1]} within {rng.randint(2, 40)} weeks. About {rng.randint(12, 950)} people saw the old "
            f"{nouns[i + 2]} near {places[(i + 1) % 2]} last year, and the {nouns[i + 3]} costs "
            f"{rng.randint(3, 90)} thousand." for i in range(5)]


def article(farm: Farm, host: str, path: str, delay: float = 0.0) -> str:
    url = farm.url(host, path)
    seed = sum(ord(c) * 31 ** i for i, c in enumerate(path))
    title = f"The {' and the '.join(random.Random(seed).sample(NOUNS, 2))} of {path}"
    body = article_html(title, distinct_paragraphs(seed), url=url).encode()
    farm.routes[path] = lambda _h: Reply(200, body, {"Content-Type": "text/html; charset=utf-8"}, delay=delay)
    return url


@dataclass
class FarmFeed:
    """A feed on the farm: its items, and how it answers."""
    path: str
    url: str
    items: list[str]
    validator: str = "etag"  # or "last-modified"
    version: int = 1
    failures: int = 0  # 500s before it recovers
    retry_after: int | None = None  # a 503 and a 429 with Retry-After before it answers
    delay: float = 0.0
    channel_extra: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    served: int = 0

    def body(self) -> bytes:
        text = rss([{"title": f"Item {u.rsplit('/', 1)[-1]}", "link": u} for u in self.items], title=self.path)
        return text.replace("<description>News</description>", f"<description>News</description>{self.channel_extra}"
                            ).replace("<rss version", '<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
                                      "version").encode()

    def reply(self, headers: dict[str, str]) -> Reply:
        self.served += 1
        if self.served <= self.failures:
            return Reply(500, b"down for maintenance", {"Content-Type": "text/plain"}, delay=self.delay)
        if self.retry_after is not None and self.served <= 2:
            status = 503 if self.served == 1 else 429
            return Reply(status, b"slow down", {"Content-Type": "text/plain", "Retry-After": str(self.retry_after)})
        etag, modified = f'"v{self.version}"', f"Tue, 17 Nov 2026 0{self.version}:00:00 GMT"
        validators = {"ETag": etag} if self.validator == "etag" else {"Last-Modified": modified}
        if headers.get("If-None-Match") == etag or headers.get("If-Modified-Since") == modified:
            return Reply(304, b"", {**validators, **self.headers}, delay=self.delay)
        return Reply(200, self.body(), {"Content-Type": "application/rss+xml", **validators, **self.headers},
                     delay=self.delay)

    def add_item(self, url: str) -> None:
        self.items.append(url)
        self.version += 1


PAGE_DELAY = 0.05  # long enough for overlapping requests to show on the server's side


def farm_feed(farm: Farm, n: int, items: int = 2, **how) -> FarmFeed:
    host = HOSTS[n % len(HOSTS)]
    pages = [article(farm, HOSTS[(n + i + 1) % len(HOSTS)], f"/a/{n}/{i}.html", delay=PAGE_DELAY)
             for i in range(items)]
    feed = FarmFeed(f"/feed/{n}.xml", farm.url(host, f"/feed/{n}.xml"), pages, **how)
    farm.routes[feed.path] = feed.reply
    return feed


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


def stored_urls(db: str) -> list[str]:
    with Store(db) as store:
        return store.db.column("SELECT url FROM articles")


def max_overlap(hits: list[Hit]) -> int:
    """The most requests the server was handling at once (each from its arrival
    to its answer being ready: never longer than the client had it in flight)."""
    edges = sorted([(h.start, 1) for h in hits] + [(h.ready, -1) for h in hits], key=lambda e: (e[0], e[1]))
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


# -- the farm ------------------------------------------------------------------------------

CONCURRENCY, GAP, INTERVAL = 3, 0.02, 1
PLAIN, SLOW, FAILING, LIMITED = range(30), range(30, 34), range(34, 38), 38  # feed numbers by kind
GROWING, HINTED = range(39, 47), range(47, 50)


@dataclass
class FarmRun:
    feeds: dict[int, FarmFeed]
    hits: list[Hit]
    db: str
    elapsed: float


@pytest.fixture(scope="module")
def farm_run(tmp_path_factory) -> FarmRun:
    """50 feeds polled by one in-process worker, no manual fetch, until every
    item (those added on the way too) is stored and the plain feeds have been
    polled a few times: plain feeds answering 304 to their validators (ETag or
    Last-Modified), slow ones, failing ones that recover, one rate-limited with
    Retry-After, growing ones, and three that ask to be polled hourly."""
    farm = Farm()
    feeds = {n: farm_feed(farm, n, validator="etag" if n % 2 else "last-modified") for n in PLAIN}
    feeds |= {n: farm_feed(farm, n, delay=0.3) for n in SLOW}
    feeds |= {n: farm_feed(farm, n, failures=2) for n in FAILING}
    feeds[LIMITED] = farm_feed(farm, LIMITED, retry_after=5)
    feeds |= {n: farm_feed(farm, n, items=1) for n in GROWING}
    feeds[47] = farm_feed(farm, 47, channel_extra="<ttl>60</ttl>")
    feeds[48] = farm_feed(farm, 48, headers={"Cache-Control": "public, max-age=3600"})
    feeds[49] = farm_feed(farm, 49, channel_extra="<sy:updatePeriod>hourly</sy:updatePeriod>")
    db = str(tmp_path_factory.mktemp("farm") / "farm.db")
    with Store(db) as store:
        for feed in feeds.values():
            store.add_feed(feed.url)
        settings = WorkerSettings(interval=INTERVAL, tick=0.2, concurrency=CONCURRENCY, host_gap=GAP, lease=60,
                                  summaries=False, full_briefs=False)
        stored = lambda: set(store.db.column("SELECT url FROM articles"))
        started = time.monotonic()
        try:
            with Worker(db, settings=settings, fetch=loopback(), name="farmer"):
                wait_for(lambda: {u for f in feeds.values() for u in f.items} <= stored(), 60,
                         "every feed's first items")
                for n in GROWING:  # new items appear on the feeds
                    feeds[n].add_item(article(farm, HOSTS[n % len(HOSTS)], f"/a/new/{n}.html", delay=PAGE_DELAY))
                wait_for(lambda: {u for f in feeds.values() for u in f.items} <= stored(), 20, "the items added later")
                wait_for(lambda: all(len(farm.of(feeds[n].path)) >= 4 for n in PLAIN), 20, "more polls")
            elapsed = time.monotonic() - started
        finally:
            farm.close()
    return FarmRun(feeds, [h for h in farm.hits if h.ready], db, elapsed)


def test_farm_every_item_arrives_once(farm_run):
    urls = stored_urls(farm_run.db)
    assert sorted(urls) == sorted(u for f in farm_run.feeds.values() for u in f.items)
    assert all(h.status != 404 for h in farm_run.hits)
    with Store(farm_run.db) as store:
        assert store.db.scalar("SELECT COUNT(*) FROM articles WHERE placed = 0") == 0
        assert not [j for j in store.jobs() if j["state"] in ("failed", "running")]
        assert all(f["errors"] == 0 and f["last_ok"] for f in store.feeds())
        # the poll log: every poll, the failed ones with their error
        assert store.poll_totals()["polls"] == sum(len([h for h in farm_run.hits if h.path == f.path])
                                                   for f in farm_run.feeds.values())
        assert store.db.scalar("SELECT COUNT(*) FROM polls WHERE error IS NOT NULL") == len(FAILING) * 2 + 2


def test_farm_every_poll_after_the_first_is_conditional(farm_run):
    for feed in farm_run.feeds.values():
        polls = [h for h in farm_run.hits if h.path == feed.path]
        header = "If-None-Match" if feed.validator == "etag" else "If-Modified-Since"
        after_ok = polls[[h.status for h in polls].index(200) + 1:]
        assert all(h.headers.get(header) for h in after_ok), feed.path
    assert sum(h.status == 304 for h in farm_run.hits) >= 3 * len(PLAIN)


def test_farm_plain_feeds_are_polled_once_per_interval(farm_run):
    counts = [len([h for h in farm_run.hits if h.path == farm_run.feeds[n].path]) for n in PLAIN]
    assert min(counts) >= 4 and max(counts) <= farm_run.elapsed / INTERVAL + 2, counts


def test_farm_failing_feeds_back_off_then_recover(farm_run):
    """Two 500s at a 1 s interval: the next tries come no sooner than about 2 s,
    then 4 s later (jitter -10%, and the schedule is kept to the second), then
    the feed is back to its interval. (Upper bounds would measure the machine.)"""
    for n in FAILING:
        polls = [h for h in farm_run.hits if h.path == farm_run.feeds[n].path]
        assert [h.status for h in polls[:3]] == [500, 500, 200], n
        gaps = [b.start - a.start for a, b in zip(polls, polls[1:])]
        assert gaps[0] >= 2 * 0.9 - 1 and 8 > gaps[1] >= 4 * 0.9 - 1, gaps
        assert len(gaps) > 2 and min(gaps[2:]) < 4 * 0.9 - 1, gaps  # sooner than any further backoff


def test_farm_retry_after_is_honoured(farm_run):
    """A 503, then a 429, each with Retry-After: 5: not asked again sooner."""
    polls = [h for h in farm_run.hits if h.path == farm_run.feeds[LIMITED].path]
    assert [h.status for h in polls[:3]] == [503, 429, 200]
    waited = [after.start - before.ready for before, after in zip(polls, polls[1:3])]
    assert min(waited) >= 5 - 0.01, waited


def test_farm_feeds_asking_for_hourly_polls_get_them(farm_run):
    """RSS ttl 60, Cache-Control max-age=3600, sy:updatePeriod hourly."""
    for n in HINTED:
        assert len([h for h in farm_run.hits if h.path == farm_run.feeds[n].path]) == 1, n
    with Store(farm_run.db) as store:
        assert {store.feed(farm_run.feeds[n].url)["hint_every"] for n in HINTED} == {3600}


def test_farm_one_request_at_a_time_per_host_gap_apart(farm_run):
    """Seen from the server: a host's next request starts GAP after its last answer."""
    for host in HOSTS:
        mine = sorted((h for h in farm_run.hits if h.host == host), key=lambda h: h.start)
        assert len(mine) > 20
        for before, after in zip(mine, mine[1:]):
            assert after.start >= before.ready + GAP - 0.002, (host, before, after)


def test_farm_requests_at_once_stay_under_the_concurrency(farm_run):
    """`concurrency` requests at once in all, whatever the number of hosts (a
    feed's pages are on other hosts than the feed, so one poll could ask them
    all at once)."""
    assert max_overlap(farm_run.hits) <= CONCURRENCY


def test_a_feed_scheduled_ahead_is_not_due_sooner(tmp_path):
    """Retry-After: 5 means not before 5 s; a schedule kept to the second must
    round up, not down (started half-way through a second to show it)."""
    from storyline.storage.jobs import at

    with Store(str(tmp_path / "due.db")) as store:
        feed_id, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
        time.sleep(1.5 - time.time() % 1.0)
        asked = time.monotonic()
        store.schedule_feed(feed_id, at(1.0))
        while not store.enqueue_due_feeds():
            assert time.monotonic() - asked < 3, "never due"
            time.sleep(0.01)
        early = 1.0 - (time.monotonic() - asked)
        assert early <= 0.02, f"due {early:.2f} s early"


# -- the fetcher's part: hints, Retry-After, the gate ---------------------------------------

def test_retry_after_is_reported_not_retried(server):
    server.routes["/busy"] = lambda _r: Reply(503, b"busy", {"Retry-After": "5"})
    server.routes["/limited"] = lambda _r: Reply(429, b"slow", {"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})
    server.routes["/down"] = lambda _r: Reply(503, b"down")
    with Fetcher(replace_settings(retries=2)) as fetcher:
        with pytest.raises(FetchError) as busy:
            fetcher.get(server.url("/busy"))
        with pytest.raises(FetchError) as limited:
            fetcher.get(server.url("/limited"))
        with pytest.raises(FetchError) as down:
            fetcher.get(server.url("/down"))
    assert busy.value.retry_after == 5
    assert limited.value.retry_after > 365 * 24 * 3600  # a date, read as seconds from now
    assert down.value.retry_after is None
    # asked to wait: asked once; no Retry-After: retried as any 5xx
    assert (server.hits("/busy"), server.hits("/limited"), server.hits("/down")) == (1, 1, 3)


def test_max_age_comes_with_200_and_304(server):
    server.routes["/feed"] = lambda r: (
        Reply(304, b"", {"ETag": '"a"', "Cache-Control": "max-age=600"}) if r.headers.get("If-None-Match") == '"a"'
        else Reply(200, b"<rss version='2.0'><channel><title>x</title></channel></rss>",
                   {"Content-Type": "application/rss+xml", "ETag": '"a"', "Cache-Control": "public, max-age=900"}))
    with Fetcher(replace_settings()) as fetcher:
        first = fetcher.get(server.url("/feed"))
        again = fetcher.get(server.url("/feed"), etag=first.etag)
    assert (first.status, first.max_age) == (200, 900)
    assert (again.status, again.not_modified, again.max_age) == (304, True, 600)


def test_one_request_at_a_time_per_host_and_a_gap_between(farm):
    for n in range(6):
        article(farm, "127.0.0.1", f"/g/{n}.html", delay=0.05)
    article(farm, "127.0.0.2", "/g/other.html", delay=0.05)
    settings = replace_settings(per_host=1, host_gap=0.2)
    with Fetcher(settings) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(farm.url("127.0.0.1", f"/g/{n}.html"),))
                   for n in range(6)]
        threads.append(threading.Thread(target=fetcher.get, args=(farm.url("127.0.0.2", "/g/other.html"),)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    one = sorted((h for h in farm.hits if h.host == "127.0.0.1"), key=lambda h: h.start)
    assert len(one) == 6
    assert all(b.start >= a.ready + 0.2 - 0.002 for a, b in zip(one, one[1:]))
    other = [h for h in farm.hits if h.host == "127.0.0.2"][0]
    assert other.start < one[2].start  # another host does not wait for this one's gaps


def replace_settings(**changes) -> FetchSettings:
    return replace(loopback(), **changes)


# -- the real commands ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(log: Path, *command: str) -> subprocess.Popen:
    """A Python subprocess (stderr to `log`: a pipe nobody reads could fill and stall it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_POLL_INTERVAL", None)
    with open(log, "w") as stderr:
        return subprocess.Popen([sys.executable, *command], env=env, stdout=subprocess.DEVNULL, stderr=stderr)


def storyline(db: str, log: Path, *args: str) -> subprocess.Popen:
    return started(log, "-m", "storyline", "--db", db, "--allow-private", *args)


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


def api_urls(port: int) -> set[str] | None:
    """The URLs /api/articles lists; None while the server is not answering."""
    try:
        answer = httpx.get(f"http://127.0.0.1:{port}/api/articles?limit=100", timeout=2)
    except httpx.TransportError:
        return None
    return {a["url"] for a in answer.json()["articles"]} if answer.status_code == 200 else None


def test_serve_polls_feeds_with_no_manual_fetch(farm, tmp_path):
    """`storyline serve` polls in its own process: new items reach /api/articles
    with nobody fetching, and SIGTERM stops the poller too, finishing what it
    had started (no job left held for its lease)."""
    feed, slow = farm_feed(farm, 0), farm_feed(farm, 3, items=1, delay=0.5)  # on hosts .1-.3, and .4
    db = str(tmp_path / "served.db")
    with Store(db) as store:
        store.add_feed(feed.url)  # subscribed, never fetched
        store.add_feed(slow.url)
    port, log = free_port(), tmp_path / "serve.log"
    proc = storyline(db, log, "serve", "--port", str(port), "--poll-interval", "1s", "--host-gap", "0")
    try:
        wait_for(lambda: proc.poll() is None and set(feed.items + slow.items) <= (api_urls(port) or set()), 40,
                 "the feeds' items in the API")
        feed.add_item(article(farm, "127.0.0.3", "/a/late.html"))
        wait_for(lambda: set(feed.items) <= api_urls(port), 15, "the new item in the API")
        assert len(api_urls(port)) == 4
        wait_for(lambda: any(h.ready == 0 for h in farm.of(slow.path)), 10, "a poll in flight", step=0.02)
    finally:
        assert stop(proc) in (0, -signal.SIGTERM), log.read_text()
    polls = farm.of(feed.path)
    assert len(polls) >= 2 and all(h.headers.get("If-None-Match") == '"v1"' for h in polls[1:2])
    with Store(db) as store:
        held = [(j["kind"], j["key"], j["locked_until"]) for j in store.jobs() if j["state"] == "running"]
    assert held == [], f"SIGTERM left jobs held for their lease: {held}"


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    """`storyline ARGV` in this process: its exit status and everything it printed."""
    from storyline.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def test_schedule_gives_a_feed_its_own_interval(tmp_path, capsys):
    db, url = str(tmp_path / "schedule.db"), "http://127.0.0.1:9/feed.xml"
    with Store(db) as store:
        feed_id, _ = store.add_feed(url)
        store.schedule_feed(feed_id, "2099-01-01T00:00:00Z")
        assert run_cli(capsys, "--db", db, "schedule", url, "10m")[0] == 0
        feed = store.feed(url)
        assert (feed["poll_every"], feed["next_poll"]) == (600, None)  # due now, then every 10 minutes
        assert run_cli(capsys, "--db", db, "schedule", url, "default")[0] == 0
        assert store.feed(url)["poll_every"] is None
        code, printed = run_cli(capsys, "--db", db, "schedule", "http://127.0.0.1:9/other.xml", "10m")
        assert code == 1 and "no feed" in printed
        for bad in ("0s", "soon", "25h"):
            code, printed = run_cli(capsys, "--db", db, "schedule", url, bad)
            assert code == 2 and "interval" in printed and "internal error" not in printed, printed
        assert store.feed(url)["poll_every"] is None


def test_serve_polls_unless_told_not_to(tmp_path, capsys, monkeypatch):
    """The polling options reach the poller `storyline serve` starts; --no-poll
    starts none (a `storyline worker` elsewhere polls)."""
    import storyline.web.serve

    started = []
    monkeypatch.setattr(storyline.web.serve, "serve", lambda db, **options: started.append(options["poller"]))
    db = str(tmp_path / "serve.db")
    assert run_cli(capsys, "--db", db, "serve", "--poll-interval", "90s", "--concurrency", "2",
                   "--host-gap", "0.5")[0] == 0
    assert run_cli(capsys, "--db", db, "serve", "--no-poll", "--poll-interval", "90s")[0] == 0
    poller, none = started
    assert (poller.interval, poller.concurrency, poller.host_gap) == (90, 2, 0.5) and none is None


# A worker as `storyline worker` runs it, but with a 2 s lease: the CLI has no
# option for the lease, and a killed worker's job waits out its lease.
SHORT_LEASE_WORKER = """
import sys, threading
from storyline.config import FetchSettings
from storyline.worker import Worker, WorkerSettings
settings = WorkerSettings(interval=1, tick=0.2, concurrency=2, host_gap=0.0, lease=2.0, heartbeat=1.0,
                          full_briefs=False)
Worker(sys.argv[1], settings=settings, fetch=FetchSettings(allow_private=True, timeout=2, retries=0),
       name="doomed").start()
threading.Event().wait()
"""


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(farm, tmp_path):
    pages = [article(farm, "127.0.0.2", f"/k/{n}.html", delay=0.15) for n in range(16)]
    feed = FarmFeed("/kill.xml", farm.url("127.0.0.1", "/kill.xml"), pages)
    farm.routes[feed.path] = feed.reply
    db = str(tmp_path / "killed.db")
    with Store(db) as store:
        store.add_feed(feed.url)
        doomed = started(tmp_path / "doomed.log", "-c", SHORT_LEASE_WORKER, db)
        try:
            wait_for(lambda: doomed.poll() is None and store.count_articles() >= 4, 40, "the first articles")
        finally:
            doomed.kill()
            doomed.wait()
        stored_before = set(stored_urls(db))
        assert 4 <= len(stored_before) < len(pages), "the kill must land mid-batch"
        held = [j for j in store.jobs("poll") if j["state"] == "running"]
        assert [j["locked_by"] for j in held] == ["doomed"]

        log = tmp_path / "worker.log"
        again = storyline(db, log, "worker", "--poll-interval", "1s", "--host-gap", "0", "--concurrency", "2")
        try:
            wait_for(lambda: again.poll() is None and store.count_articles() == len(pages)
                     and store.unplaced_count() == 0, 40, "the rest of the batch")
            wait_for(lambda: store.db.scalar("SELECT COUNT(DISTINCT article_id) FROM summaries") == len(pages),
                     30, "every article's summary")
            wait_for(lambda: [j for j in store.jobs("poll") if j["id"] == held[0]["id"]][0]["state"] == "done",
                     10, "the dead worker's job to be done")
        finally:
            assert stop(again) == 0, log.read_text()

        urls = stored_urls(db)
        assert sorted(urls) == sorted(pages)  # each article exactly once
        retaken = [j for j in store.jobs("poll") if j["id"] == held[0]["id"]][0]
        assert retaken["attempts"] == 2 and retaken["locked_by"] != "doomed"
        assert not [j for j in store.jobs() if j["state"] == "running"]  # a stopped worker leaves none running
        assert store.db.scalar("SELECT COUNT(*) FROM articles WHERE placed = 0") == 0
        assert store.db.scalar("SELECT COUNT(DISTINCT article_id) FROM summaries") == len(pages)
        assert not [j for j in store.jobs() if j["state"] == "failed"]
    # pages stored before the kill are not fetched again (those fetched, not yet stored, are)
    fetched = Counter(h.path for h in farm.hits if h.path.startswith("/k/"))
    assert set(fetched) == {f"/k/{n}.html" for n in range(len(pages))}
    assert all(fetched[urlsplit(url).path] == 1 for url in stored_before), fetched
    assert all(n <= 2 for n in fetched.values()), fetched


# -- two workers, one database ---------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    pg = request.getfixturevalue("postgres")
    return pg.create_database(f"workers_{os.getpid()}_{time.monotonic_ns()}", template="template_storyline")


def test_two_workers_never_take_the_same_job(shared_db):
    ran: list[tuple[str, str]] = []
    lock = threading.Lock()

    def recording(worker: Worker) -> Callable:
        rng = random.Random(worker.name)

        def job(store, ingestor, key: str) -> None:
            with lock:
                ran.append((key, worker.name))
            time.sleep(rng.uniform(0, 0.004))
        return job

    settings = WorkerSettings(interval=60, tick=0.2, concurrency=4, lease=60, summaries=False, full_briefs=False)
    workers = [Worker(shared_db, settings=settings, fetch=loopback(), name=name) for name in ("left", "right")]
    for worker in workers:
        worker._job_poll = recording(worker)
    with Store(shared_db) as store:
        for worker in workers:
            worker.start()
        try:
            with store.db.transaction():
                for key in range(400):
                    store.enqueue("poll", key)
            wait_for(lambda: not store.queue_depth(), 30, "the queue to empty", step=0.05)
        finally:
            for worker in workers:
                worker.stop()
        jobs = store.jobs("poll")
    assert Counter(key for key, _ in ran) == Counter(str(k) for k in range(400))  # each job ran exactly once
    assert {j["state"] for j in jobs} == {"done"} and {j["attempts"] for j in jobs} == {1}
    assert {j["locked_by"] for j in jobs} == {"left", "right"}
    by_worker = Counter(name for _, name in ran)
    assert min(by_worker.values()) >= 40, by_worker  # both really took part
