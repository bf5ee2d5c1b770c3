"""The web reader's pages, feeds out, sanitizer and `storyline serve`."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import warnings
import xml.etree.ElementTree as ET

import feedparser
import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.ingest import Ingestor
from storyline.storage import open_store
from storyline.web import create_app
from storyline.web.sanitize import marked_html, paragraphs_html, safe_http_url, safe_url, sanitize_html
from tests.conftest import ROOT, offline
from tests.pages import story_paragraphs

TOKEN = "page-token"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def distinct_text(topic: str, seed: int) -> str:
    """Paragraphs sharing no content words with another seed's (one story each)."""
    import random
    rng = random.Random(seed)
    vocab = [topic] + ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))
                       for _ in range(30)]
    return "\n\n".join(" ".join(
        "The " + " ".join(rng.choice(vocab) for _ in range(14)) + f" grew by {rng.randint(2, 90)} percent."
        for _ in range(3)) for _ in range(4))


def links(html: str, pattern: str) -> list[str]:
    return re.findall(r'href="(' + pattern + r')"', html)


# -- pages ---------------------------------------------------------------------------------------

def test_front_page_lists_ranked_stories_with_leads(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    stories = links(html, r"/stories/\d+")
    assert len(stories) == 16
    ranked = [s["id"] for s in client.get("/api/stories?order=rank&limit=50").json()["stories"]]
    assert [int(s.rsplit("/", 1)[1]) for s in stories] == ranked
    assert html.count('class="lead"') >= 12  # each story's first two brief sentences
    assert "articles</span>" in html and "UTC</time>" in html
    assert 'rel="alternate" type="application/rss+xml"' in html


def test_front_page_filter_and_pagination(client, tmp_path):
    multi = client.get("/?only=multi").text
    single = client.get("/?only=single").text
    n_multi, n_single = len(links(multi, r"/stories/\d+")), len(links(single, r"/stories/\d+"))
    assert n_multi + n_single == 16 and n_multi and n_single
    assert "1 article<" not in multi
    assert client.get("/?page=2").status_code == 404  # 13 stories fit on one page
    assert client.get("/?page=0").status_code == 404 or client.get("/?page=0").status_code == 422
    # Pagination on a store with more stories than a page.
    db = str(tmp_path / "many.db")
    with open_store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        batch = tmp_path / "many.jsonl"
        topics = ["harbour", "railway", "orchard", "glacier", "museum", "election", "vaccine", "stadium",
                  "bakery", "volcano", "library", "tunnel", "satellite", "festival", "drought", "ferry",
                  "factory", "wildfire", "marathon", "bridge", "telescope", "hospital"]
        batch.write_text("\n".join(json.dumps({
            "title": f"The {t} story", "outlet": f"Outlet {i % 3}", "published": f"2026-10-{i + 1:02d}T08:00:00Z",
            "text": distinct_text(t, i)}) for i, t in enumerate(topics)))
        ingestor.add([str(batch)])
    with TestClient(create_app(db)) as c:
        first = c.get("/").text
        assert 'rel="next" href="/?page=2"' in first
        second = c.get("/?page=2").text
        assert 'rel="prev" href="/"' in second
        assert set(links(first, r"/stories/\d+")).isdisjoint(links(second, r"/stories/\d+"))


def test_story_page_brief_citations_sources_agreement_timeline(client):
    biggest = max(client.get("/api/stories?limit=50").json()["stories"], key=lambda s: len(s["articles"]))
    html = client.get(f"/stories/{biggest['id']}").text
    cites = re.findall(r'<a class="cite" href="/articles/(\d+)"[^>]*>\[(\d+)\]</a>', html)
    assert cites and {int(a) for a, _ in cites} <= set(biggest["articles"])
    for article in biggest["articles"]:
        assert f'id="source-{article}"' in html
    assert "Sources" in html and "Timeline" in html and "Conflicting" in html
    assert re.search(r"Reported by (all \d+|both|\d+ of \d+) outlets", html)
    assert 'class="original"' in html
    assert f'data-facts-url="/stories/{biggest["id"]}/facts"' in html or "People" in html
    assert client.get("/stories/99999").status_code == 404
    assert client.get("/stories/abc").status_code == 404


def test_story_facts_without_script(client):
    story = client.get("/api/stories?limit=1").json()["stories"][0]["id"]
    html = client.get(f"/stories/{story}?facts=1").text
    assert 'id="facts"' in html and "data-facts-url" not in html
    fragment = client.get(f"/stories/{story}/facts").text
    assert fragment.lstrip().startswith('<section class="facts" id="facts"')


def test_article_page_text_links_and_summary_without_script(client):
    story = max(client.get("/api/stories?limit=50").json()["stories"], key=lambda s: len(s["articles"]))
    detail = client.get(f"/api/stories/{story['id']}?facts=false").json()
    middle = detail["articles"][1]["id"]
    html = client.get(f"/articles/{middle}").text
    article = client.get(f"/api/articles/{middle}").json()
    first_para = article["text"].split("\n\n")[0]
    assert f"<p>{first_para[:40]}" in html.replace("&#39;", "'").replace("&quot;", '"')
    assert f'id="story-prev" rel="prev" href="/articles/{detail["articles"][0]["id"]}"' in html
    assert f'id="story-next" rel="next" href="/articles/{detail["articles"][2]["id"]}"' in html
    assert 'id="time-prev"' in html and "Other coverage of this story" in html
    assert f'href="/articles/{middle}?summary=1#summary"' in html and 'id="get-summary"' in html
    with_summary = client.get(f"/articles/{middle}?summary=1").text
    assert 'class="summary-sentences"' in with_summary and 'id="get-summary"' not in with_summary
    assert client.get("/articles/99999").status_code == 404


def test_search_page_highlights(client):
    html = client.get("/search?q=river").text
    assert "<mark>" in html.lower() and links(html, r"/articles/\d+") and links(html, r"/stories/\d+")
    assert 'href="/search.rss?q=river"' in html
    assert "Nothing found" in client.get("/search?q=zzzxqy").text
    assert client.get("/search").status_code == 200


def test_sources_page_and_form(client, demo_db):
    html = client.get("/sources").text
    assert "Valley Wire" in html and "Outlets" in html and "Feeds" in html
    assert 'name="token"' in html and 'name="opml"' in html
    refused = client.post("/sources", data={"url": "https://example.org/feed", "token": "nope"})
    assert refused.status_code == 403 and "wrong write token" in refused.text
    missing = client.post("/sources", data={"url": "https://example.org/feed"})
    assert missing.status_code == 401
    with TestClient(create_app(demo_db)) as closed:
        assert "Adding is disabled" in closed.get("/sources").text
        assert closed.post("/sources", data={"url": "https://x.example/f", "token": "x"}).status_code == 403


def test_sources_form_adds_a_feed(tmp_path, server, settings):
    from tests.pages import article_html, rss
    page = server.page("/a.html", article_html("Tram line opens", story_paragraphs("trams"), url=server.url("/a.html")))
    feed = server.page("/f.xml", rss([{"title": "Tram line opens", "link": page}], title="Tram News"),
                       "application/rss+xml")
    broken = server.url("/missing.xml")
    with TestClient(create_app(str(tmp_path / "s.db"), token=TOKEN, settings=settings)) as c:
        done = c.post("/sources", data={"url": feed, "token": TOKEN})
        assert done.status_code == 200 and "Added 1" in done.text and "Tram News" in done.text
        c.post("/sources", data={"url": broken, "token": TOKEN})
        html = c.get("/sources").text
        assert "404" in html  # the failure is shown
        opml = f'<opml version="2.0"><body><outline xmlUrl="{feed}"/></body></opml>'.encode()
        done = c.post("/sources", data={"token": TOKEN}, files={"opml": ("subs.opml", opml, "text/x-opml")})
        assert done.status_code == 200 and "duplicates 1" in done.text


def test_untrusted_text_is_escaped_in_pages(tmp_path):
    db = str(tmp_path / "x.db")
    with TestClient(create_app(db, token=TOKEN)) as c:
        made = c.post("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"}, json={
            "title": "<script>document.title='pwned'</script><img src=x onerror=alert(1)>",
            "outlet": "<b onmouseover=alert(1)>Evil</b>",
            "text": "\n\n".join(["<script>alert(1)</script> <a href=\"javascript:alert(1)\">x</a> onerror=alert(1)"]
                                + story_paragraphs("escaping"))})
        article = made.json()["articles"][0]
        for url in (f"/articles/{article}", "/", "/search?q=escaping", "/sources",
                    f"/stories/{c.get(f'/api/articles/{article}').json()['story_id']}"):
            html = c.get(url).text
            assert "<script>document" not in html and "<script>alert" not in html, url
            assert "<img" not in html and "<b onmouseover" not in html, url
            assert not re.search(r'<a\b[^>]*href="javascript:', html), url
            assert "&lt;script&gt;" in html or url == "/sources", url


def test_feeds_out(client):
    for url in ("/feed.rss", "/feed.atom", "/search.rss?q=river", "/search.atom?q=river"):
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)  # well-formed
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (url, parsed.bozo_exception)
        assert parsed.entries and all(e.link.startswith("http://testserver/") for e in parsed.entries)
    assert client.get("/feed.rss").headers["content-type"].startswith("application/rss+xml")
    assert client.get("/feed.atom").headers["content-type"].startswith("application/atom+xml")
    jf = client.get("/feed.json")
    assert jf.headers["content-type"].startswith("application/feed+json")
    body = jf.json()
    assert body["version"] == "https://jsonfeed.org/version/1.1" and len(body["items"]) == 16
    assert {"id", "url", "title", "content_text"} <= set(body["items"][0])
    search = client.get("/search.json?q=river").json()
    assert search["items"] and all("/articles/" in i["url"] for i in search["items"])
    assert client.get("/search.rss").status_code == 422
    etag = jf.headers["etag"]
    assert client.get("/feed.json", headers={"If-None-Match": etag}).status_code == 304


def test_pages_carry_a_strict_csp_and_no_external_assets(client):
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert not re.search(r'(src|href)="(https?:)?//', response.text)
    assert "<script>" not in response.text and " style=" not in response.text and "<style" not in response.text
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


# -- sanitizer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dirty", [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">p</p>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="q"><button>go</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->',
    '<div><scr<script>ipt>alert(1)</script></div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:/">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
])
def test_sanitizer_makes_html_inert(dirty):
    clean = sanitize_html(dirty).lower()
    assert "<script" not in clean and "<iframe" not in clean and "<svg" not in clean
    assert "<img" not in clean and "<object" not in clean and "<embed" not in clean and "<form" not in clean
    assert not re.search(r"\son\w+\s*=", clean)
    assert "javascript:" not in clean.replace("&amp;", "&") or "href" not in clean
    assert 'href="data:' not in clean and "vbscript:" not in clean.split("href")[-1]
    assert "style=" not in clean and "<meta" not in clean and "<base" not in clean


def test_sanitizer_keeps_article_markup():
    html = ('<p>One <strong>two</strong> <em>three</em> <a href="https://x.example/a" title="t">link</a></p>'
            '<ul><li>a</li></ul><blockquote>q</blockquote><h2>Sub</h2><custom>kept text</custom>')
    clean = sanitize_html(html)
    assert '<a href="https://x.example/a" title="t" rel="nofollow noopener noreferrer">link</a>' in clean
    for tag in ("<strong>", "<em>", "<ul>", "<li>", "<blockquote>", "<h2>"):
        assert tag in clean
    assert "kept text" in clean and "<custom>" not in clean
    assert sanitize_html("") == "" and sanitize_html("plain & simple") == "plain &amp; simple"


def test_safe_urls_and_escaping_helpers():
    assert safe_url("https://a.example/x") == "https://a.example/x" and safe_url("/stories/1") == "/stories/1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "java\nscript:alert(1)", "data:text/html,x",
                "vbscript:x", None, ""):
        assert safe_url(bad) is None
    assert safe_http_url("/relative") is None and safe_http_url("mailto:a@b.c") is None
    assert safe_http_url("http://a.example/") == "http://a.example/"
    assert marked_html("a <b> \x02river\x03 & c") == "a &lt;b&gt; <mark>river</mark> &amp; c"
    assert marked_html("\x02open") == "<mark>open</mark>"
    assert paragraphs_html("One <x>\n\nTwo") == "<p>One &lt;x&gt;</p><p>Two</p>"


# -- storyline serve -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_serves_the_reader(demo_db):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STORYLINE_TOKEN": ""}
    proc = subprocess.Popen([sys.executable, "-m", "storyline", "--db", demo_db, "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else "timeout"
                time.sleep(0.2)
        assert response.status_code == 200 and "Storyline" in response.text
        assert "server" not in response.headers
        refused = httpx.post(f"http://127.0.0.1:{port}/api/articles", json={"url": "https://x.example/a"},
                             headers={"Authorization": "Bearer guess"})
        assert refused.status_code == 403  # no token configured: read-only
    finally:
        proc.terminate()
        proc.wait(timeout=10)
