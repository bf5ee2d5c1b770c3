"""storyline.ingest end to end: loopback server, real SQLite file."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from storyline.extract import chrome
from storyline.ingest import Ingestor
from tests.conftest import ROOT, Reply
from tests.pages import CHROME_BOTTOM, CHROME_TOP, article_html, rss, story_paragraphs


def _serve_articles(server, n: int, prefix: str = "/news", delay: float = 0.0) -> list[str]:
    urls = []
    for i in range(n):
        path = f"{prefix}/{i}.html"
        html = article_html(f"Story number {i}", story_paragraphs(f"topic {i}"),
                            url=f"https://lakeside.example{path}").encode()
        server.routes[path] = lambda _r, h=html: Reply(200, h, {"Content-Type": "text/html"}, delay=delay)
        urls.append(server.url(path))
    return urls


def _feed_route(server, path: str, body: str, etag: str = '"feed-v1"') -> str:
    data = body.encode()
    server.routes[path] = lambda req: (
        Reply(304, b"", {"ETag": etag}) if req.headers.get("If-None-Match") == etag
        else Reply(200, data, {"Content-Type": "application/rss+xml", "ETag": etag}))
    return server.url(path)


def test_feed_items_link_to_pages(server, store, fetcher):
    urls = _serve_articles(server, 4)
    feed = _feed_route(server, "/feed.xml", rss([{"title": f"Story number {i}", "link": u}
                                                  for i, u in enumerate(urls)]))
    report = Ingestor(store, fetcher).add([feed])
    assert (report.added, report.duplicates, report.failed) == (4, 0, [])
    rows = store.list_articles()
    assert {r["title"] for r in rows} == {f"Story number {i}" for i in range(4)}
    assert all(r["outlet"] == "Lakeside Gazette" for r in rows)
    stored = store.get_article(rows[0]["id"])
    assert "No time to read" not in stored["text"] and "Previous Article" not in stored["text"]
    assert store.feed(feed)["etag"] == '"feed-v1"'

    again = Ingestor(store, fetcher).add([feed])  # known feed: conditional request, 304
    assert (again.added, again.duplicates, again.failed) == (0, 0, [])
    assert server.requests[-1][1].get("If-None-Match") == '"feed-v1"'
    polled = Ingestor(store, fetcher).fetch_feeds()
    assert polled.added == 0 and store.count_articles() == 4


def test_feed_with_full_content_is_not_fetched_again(server, store, fetcher):
    body = "".join(f"<p>{p}</p>" for p in story_paragraphs("the harbour wall", 6))
    feed = _feed_route(server, "/full.xml", rss([{"title": "Harbour wall", "content": body,
                                                  "link": server.url("/never-fetched")}]))
    report = Ingestor(store, fetcher).add([feed])
    assert report.added == 1 and server.hits("/never-fetched") == 0
    article = store.get_article(store.list_articles()[0]["id"])
    assert article["text"].startswith("Paragraph 0 about the harbour wall")
    assert article["published"] == "2026-11-17T08:00:00Z"


def test_json_feed_and_atom(server, store, fetcher, tmp_path):
    urls = _serve_articles(server, 2)
    json_feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Lakeside JSON",
                 "items": [{"id": "a", "url": urls[0], "title": "Story number 0"},
                           {"id": "b", "title": "Inline", "content_text": "\n\n".join(story_paragraphs("bridge", 6))}]}
    server.page("/feed.json", json.dumps(json_feed), "application/feed+json")
    atom = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Lakeside Atom</title>
    <entry><title>Story number 1</title><link href="{urls[1]}"/><id>urn:1</id>
    <updated>2026-11-18T10:00:00Z</updated><summary>Teaser</summary></entry></feed>"""
    (tmp_path / "saved.atom").write_text(atom)
    report = Ingestor(store, fetcher).add([server.url("/feed.json"), str(tmp_path / "saved.atom")])
    assert (report.added, report.failed) == (3, [])
    assert {r["title"] for r in store.list_articles()} == {"Story number 0", "Story number 1", "Inline"}


def test_opml_imports_feeds(server, store, fetcher, tmp_path):
    urls = _serve_articles(server, 2)
    feed_a = _feed_route(server, "/a.xml", rss([{"title": "A", "link": urls[0]}]))
    feed_b = _feed_route(server, "/b.xml", rss([{"title": "B", "link": urls[1]}]))
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
      <outline text="News"><outline type="rss" text="A" xmlUrl="{feed_a}"/>
      <outline type="rss" text="B" xmlUrl="{feed_b.replace('&', '&amp;')}"/></outline></body></opml>""")
    report = Ingestor(store, fetcher).add([str(opml)])
    assert report.added == 2
    assert [f["url"] for f in store.feeds()] == [feed_a, feed_b]


def test_one_article_url_is_idempotent(server, store, fetcher):
    url = _serve_articles(server, 1)[0]
    first = Ingestor(store, fetcher).add([url])
    second = Ingestor(store, fetcher).add([url, url + "?utm_source=newsletter"])
    assert (first.added, second.added, second.duplicates) == (1, 0, 2)
    assert store.count_articles() == 1


def test_files_folders_and_batches(store, fetcher, tmp_path):
    folder = tmp_path / "Northfield Courier"
    folder.mkdir()
    (folder / "ferry.txt").write_text("Ferry pier to close\n\n" + "\n\n".join(story_paragraphs("the pier")))
    (folder / "page.html").write_text(article_html("Lakeside story", story_paragraphs("the lake")))
    (folder / ".hidden.txt").write_text("ignored\n\nnot read")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([
        # A line separator (U+2028) JSON leaves raw inside a string does not end the line.
        json.dumps({"title": "Batch text", "text": "\n\n".join(story_paragraphs("batch")) + "\u2028Thanks.",
                    "outlet": "Valley Wire"}, ensure_ascii=False),
        "{not json",
        json.dumps({"neither": 1}),
        json.dumps({"html": article_html("Batch page", story_paragraphs("pages"), url="https://lakeside.example/b")}),
    ]))
    other = tmp_path / "other.txt"
    other.write_text("Other title\n\n" + "\n\n".join(story_paragraphs("elsewhere")))
    report = Ingestor(store, fetcher).add([str(folder), str(batch)])
    assert report.added == 4
    assert sorted(f.source for f in report.failed) == [f"{batch}:2", f"{batch}:3"]
    assert "bad JSON line" in report.failed[0].error
    outlets = {r["title"]: r["outlet"] for r in store.list_articles()}
    assert outlets == {"Ferry pier to close": "Northfield Courier", "Lakeside story": "Lakeside Gazette",
                       "Batch text": "Valley Wire", "Batch page": "Lakeside Gazette"}
    named = Ingestor(store, fetcher, outlet="Coastline Times").add([str(other)])
    assert named.added == 1
    assert store.list_articles(outlet="Coastline Times")[0]["title"] == "Other title"
    assert Ingestor(store, fetcher).add([str(folder), str(batch), str(other)]).added == 0


def test_bad_items_fail_alone(server, store, fetcher, tmp_path):
    good = _serve_articles(server, 2)
    server.page("/doc.pdf", b"%PDF-1.4 fake", "application/pdf")
    server.page("/broken.xml", "<rss><channel><title>x</title><item><title>unclosed", "application/rss+xml")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.5\n...")
    (tmp_path / "huge.html").write_bytes(b"<html>" + b"x" * (11 * 1024 * 1024))
    dead = "http://127.0.0.1:9/unreachable"  # discard port: nothing listens
    sources = [good[0], server.url("/doc.pdf"), server.url("/missing"), dead, server.url("/broken.xml"),
               str(tmp_path / "scan.pdf"), str(tmp_path / "huge.html"), str(tmp_path / "nope.html"), good[1]]
    report = Ingestor(store, fetcher).add(sources)
    assert report.added == 2
    reasons = {f.source: f.error for f in report.failed}
    assert "application/pdf" in reasons[server.url("/doc.pdf")]
    assert "HTTP 404" in reasons[server.url("/missing")]
    assert "cannot fetch" in reasons[dead]
    assert "PDF" in reasons[str(tmp_path / "scan.pdf")]
    assert "over the 10,485,760-byte limit" in reasons[str(tmp_path / "huge.html")]
    assert "no such file" in reasons[str(tmp_path / "nope.html")]
    assert server.url("/broken.xml") in reasons or report.added == 2
    recorded = {f["source"] for f in store.failures()}
    assert set(reasons) <= recorded


def test_failure_is_resolved_by_a_later_success(server, store, fetcher):
    url = server.url("/later")
    assert Ingestor(store, fetcher).add([url]).failed
    server.page("/later", article_html("Later", story_paragraphs("later")))
    assert Ingestor(store, fetcher).add([url]).added == 1
    assert not [f for f in store.failures() if f["source"] == url]


def test_outlet_chrome_is_learned_from_its_pages(store, fetcher, tmp_path):
    """Three pages of one outlet share chrome; a sentence that appears twice in
    one article (a pull quote) is not chrome and stays."""
    pull_quote = ("\"We will not gamble with anyone's safety on that pier,\" Mayor Ana Ruiz said "
                  "on Tuesday evening.")
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, topic in enumerate(["the pier", "the bridge", "the school"]):
        paras = story_paragraphs(topic, 4)
        if i == 0:
            paras = paras[:2] + [pull_quote] + paras[2:] + [pull_quote]
        (folder / f"{i}.html").write_text(article_html(f"About {topic}", paras,
                                                       url=f"https://lakeside.example/{i}"))
    assert Ingestor(store, fetcher).add([str(folder)]).added == 3
    for row in store.list_articles():
        text = store.get_article(row["id"])["text"]
        for line in CHROME_TOP + CHROME_BOTTOM:
            assert line not in text, (row["title"], line)
        assert len(chrome.paragraphs(text)) == (6 if row["title"] == "About the pier" else 4)
    pier = next(r for r in store.list_articles() if r["title"] == "About the pier")
    assert store.get_article(pier["id"])["text"].count(pull_quote) == 2


def test_navigation_line_shared_by_many_outlets(store, fetcher, tmp_path):
    for outlet in ("North", "South", "East"):
        folder = tmp_path / outlet
        folder.mkdir()
        (folder / "a.txt").write_text(f"{outlet} story\n\n" + "\n\n".join(story_paragraphs(outlet, 3))
                                      + "\n\nSee all stories\n\n" + story_paragraphs("coda " + outlet, 1)[0])
    Ingestor(store, fetcher).add([str(tmp_path / o) for o in ("North", "South", "East")])
    for row in store.list_articles():
        assert "See all stories" not in store.get_article(row["id"])["text"]


def _count(db) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_mid_batch_then_rerun_loses_and_duplicates_nothing(server, tmp_path):
    urls = _serve_articles(server, 30, delay=0.15)
    feed = _feed_route(server, "/big.xml", rss([{"title": f"Story number {i}", "link": u}
                                                for i, u in enumerate(urls)]))
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "storyline", "--db", str(db), "--allow-private", "add", feed, "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while _count(db) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored_before = _count(db)
    assert 5 <= stored_before < 30, "the kill must land mid-batch"

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["failed"] == []
    assert report["added"] == 30 - stored_before
    assert report["duplicates"] == stored_before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles").fetchone() == (30, 30)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("content", ["", "<html><body></body></html>"])
def test_empty_pages_fail_readably(server, store, fetcher, content):
    url = server.page("/empty", content)
    report = Ingestor(store, fetcher).add([url])
    assert report.added == 0 and report.failed and report.failed[0].error


def test_demo_corpus_comes_out_clean(store, fetcher):
    """The demo pages carry each outlet's chrome; none of it may survive, while
    the pull quote repeated inside one article stays twice."""
    from tests.conftest import DEMO

    report = Ingestor(store, fetcher).add([str(DEMO)])
    assert report.failed == [] and report.added == len(list(DEMO.rglob("*.html")))
    rows = store.list_articles(limit=1000)
    titles = {r["title"] for r in rows}
    chrome_like = ("Get a summary", "Get the summary", "Read the 30-second summary", "Get the key points",
                   "Share on", "Previous Article", "Next Article", "Sign up for our morning briefing",
                   "Read next", "More from", "cookies", "All rights reserved")
    for row in rows:
        if row["url"] == "https://metrodispatch.example/local/":
            continue  # the section front: not an article at all (demo/README.md)
        text = store.get_article(row["id"])["text"]
        for phrase in chrome_like:
            assert phrase.lower() not in text.lower(), (row["title"], phrase)
        assert not titles & set(chrome.paragraphs(text)), row["title"]  # no teaser headlines
    cleanup = next(r for r in rows if r["url"] and "linden-falls-begins-long-cleanup" in r["url"])
    quote = "“Nobody in Linden Falls is going to be left to shovel out alone,” Mayor Peter Haskins said on Friday."
    assert store.get_article(cleanup["id"])["text"].count(quote) == 2


def test_a_poll_with_failed_items_forgets_the_validators_so_they_are_retried(server, store, fetcher):
    urls = _serve_articles(server, 2)
    feed = _feed_route(server, "/v.xml", rss([{"title": "Story number 0", "link": urls[0]}]), etag='"v1"')
    Ingestor(store, fetcher).add([feed])
    assert store.feed(feed)["etag"] == '"v1"'
    server.routes["/news/1.html"] = lambda _r: Reply(500, b"down", {"Content-Type": "text/plain"})
    _feed_route(server, "/v.xml", rss([{"title": "Story number 0", "link": urls[0]},
                                       {"title": "Story number 1", "link": urls[1]}]), etag='"v2"')
    assert Ingestor(store, fetcher).fetch_feeds().failed
    assert store.feed(feed)["etag"] is None  # not '"v1"': the next poll must not get a 304
    _serve_articles(server, 2)  # the page is back
    report = Ingestor(store, fetcher).fetch_feeds()
    assert report.added == 1 and store.feed(feed)["etag"] == '"v2"'
