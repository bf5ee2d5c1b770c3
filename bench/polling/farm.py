"""A loopback feed farm for bench.polling: N feeds of M items each, spread over
several hosts, with the article pages that teaser items link to.

Hosts. The fetcher's per-host gate keys on the URL's host name, and ports do
not separate hosts, so every host here is its own loopback address
(127.0.0.10, 127.0.0.11, ...: Linux routes all of 127.0.0.0/8 to lo), each
with its own ThreadingHTTPServer. Feed f lives on host f % hosts.

Items. Even-numbered items carry the whole article (>= 150 words) in
content:encoded, so no page is fetched; odd-numbered items carry a one-sentence
teaser and a link to the article page on the same host. Texts are generated
from templates in our own words, deterministically from (seed, feed, item), so
nothing is kept but each feed's item count. Items with the same number in five
neighbouring feeds (five outlets) report one story.

Rounds. `new_round` adds `new_items` items, one each to the next feeds in
turn; a feed's ETag names its newest item, so unchanged feeds answer a
conditional GET with 304.

Counting. Each host counts its requests and the most it had in flight at once.
A request is in flight from its arrival until its response is ready to send,
so an overlap counted here is a real one: the client could not yet have read
the earlier response.

The farm runs in a child process (FarmProcess) so that the benchmark's
getrusage measures the poller alone.
"""
from __future__ import annotations

import gzip
import html
import multiprocessing
import random
import re
import resource
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from bench.web.generate import make_story, outlet_names, word

FIRST_HOST = 10  # hosts are 127.0.0.10, 127.0.0.11, ...
STORY_SPAN = 5  # feeds (outlets) reporting one story
MIN_WORDS = 170  # every article's length; full-content items must pass the 150-word rule
ITEM_SPACING = timedelta(minutes=30)

ROLES = ["teacher", "baker", "nurse", "bus driver", "retired engineer", "student", "shop owner", "farmer"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
OWN_SENTENCES = [
    "{person}, a {role} in {place}, said the {noun} had changed how families on {street} Street planned their week.",
    "According to papers seen by the {paper}, {num} people signed a letter about the {noun} before the weekend.",
    "{person} recalled that the first meetings about the {noun} were held in a school hall on the edge of {place}.",
    "Shop owners near the {street} market said trade had {trend} since the news about the {noun} broke.",
    "A residents' group called {Word} Friends gathered {num} comments and sent them to the council as one file.",
    "{person} pointed out that the last comparable {noun} in the region took {years} years to finish.",
    "Parents at the {Word} primary school asked for a clear timetable before any work begins.",
    "The {paper} reported that {num} jobs in and around {place} could depend on the outcome.",
    "Engineers who walked the site said the ground beside {street} Road needed more tests first.",
    "{person}, a {role}, described the mood in {place} as cautious rather than angry.",
    "Several speakers asked whether the {noun} would still go ahead if costs rose again.",
    "The next public session on the {noun} is planned for {day} evening at {hour} o'clock in {place}.",
]


@dataclass(frozen=True)
class FarmPlan:
    feeds: int = 500
    items: int = 20  # items in each feed at a time
    hosts: int = 20
    new_items: int = 100  # added per round from round 2
    seed: int = 14


# -- the texts ------------------------------------------------------------------------


class Corpus:
    """Every feed's items and pages, regenerated on demand from (seed, feed, item)."""

    def __init__(self, plan: FarmPlan):
        self.plan = plan
        self.outlets = outlet_names(random.Random(plan.seed), plan.hosts)
        # Whole minutes, so that published times survive the feed's RFC 822 dates.
        self.start = datetime.now(timezone.utc).replace(second=0, microsecond=0)

    def outlet(self, feed: int) -> str:
        return self.outlets[feed % self.plan.hosts]

    def published(self, item: int) -> datetime:
        return self.start + (item - self.plan.items) * ITEM_SPACING

    @lru_cache(maxsize=512)
    def story(self, number: int) -> dict:
        return make_story(random.Random(f"{self.plan.seed}-story-{number}"))

    def story_of(self, feed: int, item: int) -> int:
        return (item * self.plan.feeds + feed) // STORY_SPAN

    def article(self, feed: int, item: int) -> dict:
        """Title, author and paragraphs of one article (MIN_WORDS words or more)."""
        story = self.story(self.story_of(feed, item))
        rng = random.Random(f"{self.plan.seed}-{feed}-{item}")
        sentences = rng.sample(story["facts"], 4)
        words = sum(len(s.split()) for s in sentences)
        templates = rng.sample(OWN_SENTENCES, len(OWN_SENTENCES))
        while words < MIN_WORDS:
            template = templates[len(sentences) % len(templates)]
            sentence = template.format(
                person=f"{word(rng).capitalize()} {word(rng).capitalize()}", role=rng.choice(ROLES),
                place=story["place"], noun=story["noun"], street=word(rng).capitalize(),
                paper=f"{word(rng).capitalize()} Observer", num=rng.randint(40, 4000),
                trend=rng.choice(["risen", "fallen", "held steady"]), Word=word(rng).capitalize(),
                years=rng.randint(3, 15), day=rng.choice(DAYS), hour=rng.randint(5, 8))
            sentences.insert(rng.randint(1, len(sentences)), sentence)
            words += len(sentence.split())
        groups = [sentences[i:i + 3] for i in range(0, len(sentences), 3)]
        if len(groups) > 1 and len(groups[-1]) == 1:  # a lone short line could be learned as site chrome
            groups[-2] += groups.pop()
        paragraphs = [" ".join(group) for group in groups]
        author = f"{word(rng).capitalize()} {word(rng).capitalize()}"
        return {"title": story["title"], "author": author, "paragraphs": paragraphs}

    def page_url(self, base: str, feed: int, item: int) -> str:
        return f"{base}/news/{feed}/{item}.html"

    def feed_xml(self, base: str, feed: int, newest: int) -> bytes:
        """The feed's RSS with its `items` newest items (numbers below `newest`)."""
        outlet = self.outlet(feed)
        entries = []
        for item in range(newest - 1, max(newest - self.plan.items, 0) - 1, -1):
            article = self.article(feed, item)
            link = self.page_url(base, feed, item)
            teaser = article["paragraphs"][0].split(". ")[0] + "."
            full = item % 2 == 0
            content = ("<content:encoded>" + escape("".join(f"<p>{html.escape(p)}</p>"
                                                            for p in article["paragraphs"]))
                       + "</content:encoded>") if full else ""
            entries.append(
                f"<item><title>{escape(article['title'])}</title><link>{escape(link)}</link>"
                f"<guid isPermaLink=\"true\">{escape(link)}</guid>"
                f"<pubDate>{format_datetime(self.published(item), usegmt=True)}</pubDate>"
                f"<author>{escape(article['author'])}</author>"
                f"<description>{escape(teaser)}</description>{content}</item>")
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>{escape(outlet)}: desk {feed}</title><link>{escape(base)}/</link>"
                f"<description>News from the {escape(outlet)}</description>"
                + "".join(entries) + "</channel></rss>").encode("utf-8")

    def page_html(self, feed: int, item: int) -> bytes:
        article = self.article(feed, item)
        outlet = html.escape(self.outlet(feed))
        title = html.escape(article["title"])
        when = self.published(item).isoformat()
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in article["paragraphs"])
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>'
                f'<meta name="author" content="{html.escape(article["author"])}">'
                f'<meta property="article:published_time" content="{when}"></head><body>'
                f'<header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a>'
                f'</nav></header><main><article><h1>{title}</h1>'
                f'<p class="byline">By {html.escape(article["author"])}, <time datetime="{when}">{when[:10]}</time></p>'
                f"\n{body}\n</article></main><footer><p>{outlet}, all rights reserved.</p></footer>"
                "</body></html>").encode("utf-8")


# -- the servers ----------------------------------------------------------------------


class HostTally:
    """One host's requests and the most it had in flight at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.requests = Counter()  # "feed 200", "feed 304", "page 200", "other 404", ...

    def begin(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def end(self, kind: str, status: int) -> None:
        with self.lock:
            self.in_flight -= 1
            self.requests[f"{kind} {status}"] += 1


_FEED_PATH = re.compile(r"^/feeds/(\d+)\.xml$")
_PAGE_PATH = re.compile(r"^/news/(\d+)/(\d+)\.html$")


class FarmHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real feed servers do
    server: "HostServer"

    def do_GET(self) -> None:
        tally = self.server.tally
        tally.begin()
        try:
            kind, status, body, headers = self.server.farm.respond(self.server, self.path, self.headers)
        except Exception:
            kind, status, body, headers = "other", 500, b"", {}
        if body and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        tally.end(kind, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class HostServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: str, farm: "Farm"):
        super().__init__((address, 0), FarmHandler)
        self.farm = farm
        self.tally = HostTally()
        self.base = f"http://{address}:{self.server_address[1]}"


class Farm:
    def __init__(self, plan: FarmPlan):
        self.plan = plan
        self.corpus = Corpus(plan)
        self.newest = [plan.items] * plan.feeds  # items of feed f are numbered 0 .. newest[f] - 1
        self.added = 0
        self.lock = threading.Lock()
        self.servers: list[HostServer] = []

    def start(self) -> "Farm":
        for h in range(self.plan.hosts):
            server = HostServer(f"127.0.0.{FIRST_HOST + h}", self)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def feed_urls(self) -> list[str]:
        return [f"{self.servers[f % self.plan.hosts].base}/feeds/{f}.xml" for f in range(self.plan.feeds)]

    def new_round(self) -> int:
        """Add the round's new items; how many."""
        with self.lock:
            for _ in range(self.plan.new_items):
                self.newest[self.added % self.plan.feeds] += 1
                self.added += 1
        return self.plan.new_items

    def respond(self, server: HostServer, path: str, headers) -> tuple[str, int, bytes, dict]:
        if match := _FEED_PATH.match(path):
            feed = int(match.group(1))
            if feed >= self.plan.feeds or self.servers[feed % self.plan.hosts] is not server:
                return "feed", 404, b"", {}
            newest = self.newest[feed]
            etag = f'"{feed}-{newest}"'
            if headers.get("If-None-Match") == etag:
                return "feed", 304, b"", {"ETag": etag}
            return "feed", 200, self._feed_bytes(server.base, feed, newest), {
                "Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag}
        if match := _PAGE_PATH.match(path):
            feed, item = int(match.group(1)), int(match.group(2))
            if feed >= self.plan.feeds or item >= self.newest[feed] or self.servers[feed % self.plan.hosts] is not server:
                return "page", 404, b"", {}
            return "page", 200, self.corpus.page_html(feed, item), {"Content-Type": "text/html; charset=utf-8"}
        return "other", 404, b"", {}

    @lru_cache(maxsize=1024)
    def _feed_bytes(self, base: str, feed: int, newest: int) -> bytes:
        return self.corpus.feed_xml(base, feed, newest)

    def stats(self) -> dict:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "hosts": {server.base: {"most_in_flight": server.tally.most_in_flight,
                                    "requests": dict(server.tally.requests)} for server in self.servers},
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
        }


# -- the child process ----------------------------------------------------------------


def _serve(plan: FarmPlan, conn) -> None:
    farm = Farm(plan).start()
    conn.send({"feeds": farm.feed_urls(), "hosts": [s.server_address[0] for s in farm.servers]})
    while True:
        command = conn.recv()
        if command == "round":
            conn.send(farm.new_round())
        elif command == "stats":
            conn.send(farm.stats())
        else:
            farm.stop()
            conn.send(None)
            return


class FarmProcess:
    """The farm in a child process, driven over a pipe."""

    def __init__(self, plan: FarmPlan):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(plan, child), daemon=True, name="feed-farm")
        self._process.start()
        info = self._conn.recv()
        self.feed_urls: list[str] = info["feeds"]
        self.hosts: list[str] = info["hosts"]

    def _call(self, command: str):
        self._conn.send(command)
        return self._conn.recv()

    def new_round(self) -> int:
        return self._call("round")

    def stats(self) -> dict:
        return self._call("stats")

    def close(self) -> None:
        if self._process.is_alive():
            self._call("stop")
        self._process.join(10)

    def __enter__(self) -> "FarmProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
