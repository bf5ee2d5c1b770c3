"""storyline.feeds: every real and broken feed in ../shared/data/feeds, plus our own cases."""
from __future__ import annotations

import json
import traceback
from urllib.parse import urlsplit

import pytest

from storyline.fetch.urls import is_url
from storyline.feeds import FeedError, parse_feed, parse_json_feed, parse_opml, sniff
from storyline.ingest import Ingestor
from tests.conftest import SHARED
from tests.pages import story_paragraphs

FEEDS = SHARED / "data" / "feeds"


def _feed_files():
    return sorted(p for p in FEEDS.rglob("*") if p.is_file() and p.name != "LICENSE")


@pytest.mark.skipif(not FEEDS.is_dir(), reason="../shared/data/feeds is not present")
def test_every_shared_feed_is_ingested_or_recorded(store, fetcher):
    """No file crashes ingestion; each feed item ends as an article or as a
    recorded, readable failure; a file that is no feed gets one failure."""
    files = _feed_files()
    assert len(files) > 2000
    ingestor = Ingestor(store, fetcher)
    problems = []
    with_items = 0
    for path in files:
        try:
            report = ingestor.add([str(path)])
        except Exception:  # the point of the test: nothing may escape
            problems.append(f"{path}: crashed\n{traceback.format_exc()}")
            continue
        outcomes = report.added + report.duplicates + len(report.failed)
        if any(not f.error.strip() for f in report.failed):
            problems.append(f"{path}: empty error message")
        try:
            entries = len(parse_feed(path.read_bytes()).entries) if sniff(path.read_bytes()) in (
                "feed", "json-feed") else 0
        except FeedError:
            entries = 0
        with_items += entries > 0
        if outcomes != max(entries, 1):
            problems.append(f"{path}: {entries} items but {outcomes} outcomes")
    assert not problems, "\n".join(problems[:20])
    assert with_items > 1200
    # nothing left the machine: items were refused by the host allow-list, not fetched
    for failure in store.failures():
        host = urlsplit(failure["source"]).hostname if is_url(failure["source"]) else None
        if host and host not in ("127.0.0.1", "localhost"):
            assert "not in the allowed host list" in failure["error"], failure


BROKEN_WITH_GOOD_ITEMS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Broken but useful</title>
<item><title>First good item</title><link>https://broken.example/1</link>
<content:encoded><![CDATA[{a}]]></content:encoded></item>
<item><title>Second good item</title><link>https://broken.example/2</link>
<content:encoded><![CDATA[{b}]]></content:encoded></item>
<item><title>Cut off <b>mid
"""


def test_broken_feed_keeps_its_readable_items(server, store, fetcher):
    a = "".join(f"<p>{p}</p>" for p in story_paragraphs("the first item", 6))
    b = "".join(f"<p>{p}</p>" for p in story_paragraphs("the second item", 6))
    url = server.page("/broken.xml", BROKEN_WITH_GOOD_ITEMS.format(a=a, b=b), "application/rss+xml")
    report = Ingestor(store, fetcher).add([url])
    titles = {r["title"] for r in store.list_articles()}
    assert {"First good item", "Second good item"} <= titles
    assert report.added >= 2


def test_not_a_feed_is_a_recorded_error(tmp_path, store, fetcher):
    path = tmp_path / "nothing.xml"
    path.write_text("<?xml version='1.0'?><catalog><book>Not news</book></catalog>")
    report = Ingestor(store, fetcher).add([str(path)])
    assert report.added == 0 and len(report.failed) == 1 and report.failed[0].error


def test_sniff_kinds():
    assert sniff(b'<?xml version="1.0"?>\n<!-- c --><rss version="2.0">') == "feed"
    assert sniff(b"<feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert sniff(b"<rdf:RDF xmlns:rdf='x'>") == "feed"
    assert sniff(b"<opml version='2.0'>") == "opml"
    assert sniff(b"<!DOCTYPE html><html><head>") == "html"
    assert sniff(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}') == "json-feed"
    assert sniff(b"Plain words in a text file") == "text"


def test_json_feed_fields():
    feed = parse_json_feed(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "T", "home_page_url": "https://t.example/",
        "items": [{"id": "1", "url": "https://t.example/1", "title": "One", "content_html": "<p>x</p>",
                   "date_published": "2026-11-20T10:00:00Z", "authors": [{"name": "Ana"}]},
                  "not an object"]}).encode())
    assert feed.title == "T" and len(feed.entries) == 1
    entry = feed.entries[0]
    assert (entry.link, entry.author, entry.published) == ("https://t.example/1", "Ana", "2026-11-20T10:00:00Z")
    with pytest.raises(FeedError):
        parse_json_feed(b'{"version": "x"}')


def test_opml_nested_and_broken():
    opml = b"""<opml><body><outline text="a"><outline xmlUrl="https://a.example/rss"/></outline>
    <outline xmlUrl="https://b.example/atom" title="B"/></body></opml>"""
    assert parse_opml(opml) == [("https://a.example/rss", None), ("https://b.example/atom", "B")]
    with pytest.raises(FeedError):
        parse_opml(b"<opml><body></body></opml>")
