"""The JSON API (storyline.api), every endpoint, through the ASGI app."""
from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.config import FetchSettings
from storyline.web import create_app
from tests.pages import article_html, rss, story_paragraphs

TOKEN = "s3cret-token"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def fresh(tmp_path, settings):
    """An app over an empty store, loopback fetching allowed, writes open with TOKEN."""
    def make(**kwargs) -> TestClient:
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("settings", settings)
        return TestClient(create_app(str(tmp_path / "fresh.db"), **kwargs))
    return make


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def walk(client, url: str, key: str) -> list[dict]:
    items, seen_cursors = [], set()
    while url:
        body = client.get(url).json()
        items += body[key]
        if not body["next"]:
            break
        assert body["next"] not in seen_cursors
        seen_cursors.add(body["next"])
        url = url.split("&cursor=")[0] + "&cursor=" + body["next"]
    return items


def assert_error(response, status: int, words: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["message"]
    assert words.lower() in body["error"]["message"].lower()
    return body


# -- stories ---------------------------------------------------------------------------------------

def test_stories_cursor_pagination_covers_every_story_once(client):
    stories = walk(client, "/api/stories?limit=5", "stories")
    assert len(stories) == 16 and len({s["id"] for s in stories}) == 16
    assert [s["last_seen"] for s in stories] == sorted((s["last_seen"] for s in stories), reverse=True)
    first = stories[0]
    assert set(first) >= {"id", "title", "articles", "outlets", "first_seen", "last_seen", "url"}
    assert sum(len(s["articles"]) for s in stories) <= 44


def test_stories_in_front_page_order_and_filtered(client):
    ranked = walk(client, "/api/stories?order=rank&limit=4", "stories")
    assert len(ranked) == 16
    assert [s["score"] for s in ranked] == sorted((s["score"] for s in ranked), reverse=True)
    multi = walk(client, "/api/stories?order=rank&only=multi&limit=50", "stories")
    single = walk(client, "/api/stories?order=rank&only=single&limit=50", "stories")
    assert all(s["article_count"] > 1 for s in multi) and all(s["article_count"] == 1 for s in single)
    assert len(multi) + len(single) == 16
    assert_error(client.get("/api/stories?only=multi"), 400, "order=rank")


def test_story_detail_has_cited_brief_facts_and_agreement(client):
    biggest = max(client.get("/api/stories?limit=50").json()["stories"], key=lambda s: len(s["articles"]))
    body = client.get(f"/api/stories/{biggest['id']}?facts=false").json()
    assert {a["id"] for a in body["articles"]} == set(biggest["articles"])
    assert {"id", "outlet", "title", "published", "url", "duplicate_of"} <= set(body["articles"][0])
    members = set(biggest["articles"])
    assert body["brief"]["sentences"], body
    for sentence in body["brief"]["sentences"]:
        assert sentence["text"] and sentence["citations"] and set(sentence["citations"]) <= members
    assert set(body["facts"]) == {"people", "organisations", "places", "dates", "quotes"}
    assert "agreement" in body


def test_unknown_story_and_bad_ids(client):
    assert_error(client.get("/api/stories/99999"), 404, "no story")
    assert_error(client.get("/api/stories/abc"), 422)
    assert_error(client.get("/api/stories?cursor=not-a-cursor"), 400, "cursor")
    assert_error(client.get("/api/stories?limit=0"), 422)
    assert_error(client.get("/api/stories?limit=1000"), 422)
    assert_error(client.get("/api/nothing-here"), 404)


# -- articles --------------------------------------------------------------------------------------

def test_articles_cursor_pagination_and_outlet_filter(client):
    articles = walk(client, "/api/articles?limit=7", "articles")
    assert len(articles) == 44 and len({a["id"] for a in articles}) == 44
    dated = [a["published"] for a in articles if a["published"]]
    assert dated == sorted(dated, reverse=True)
    assert all(a["published"] is None for a in articles[len(dated):])  # undated ones last
    wire = walk(client, "/api/articles?limit=2&outlet=Valley%20Wire", "articles")
    assert wire and {a["outlet"] for a in wire} == {"Valley Wire"}


def test_article_detail(client):
    first = client.get("/api/articles?limit=1").json()["articles"][0]
    body = client.get(f"/api/articles/{first['id']}").json()
    assert {"id", "url", "outlet", "title", "published", "words", "author", "language", "fetched",
            "canonical_url", "text", "story_id", "duplicate_of"} <= set(body)
    assert body["text"].count("\n\n") >= 1
    assert_error(client.get("/api/articles/99999"), 404, "no article")


def test_summary_lengths_and_errors(client):
    article = client.get("/api/articles?limit=1").json()["articles"][0]["id"]
    body = client.get(f"/api/articles/{article}/summary?sentences=2").json()
    assert body["article"] == article and 1 <= len(body["sentences"]) <= 2
    assert {"text", "position"} == set(body["sentences"][0]) and body["method"] and body["words"] > 0
    words = client.get(f"/api/articles/{article}/summary?words=40").json()
    assert words["words"] <= 60
    assert_error(client.get(f"/api/articles/{article}/summary?sentences=0"), 422)
    assert_error(client.get(f"/api/articles/{article}/summary?sentences=2&words=40"), 400, "not both")
    assert_error(client.get("/api/articles/99999/summary"), 404)


# -- search ----------------------------------------------------------------------------------------

def test_search_snippets_stories_and_pages(client):
    body = client.get("/api/search?q=river&limit=2").json()
    assert body["query"] == "river" and len(body["articles"]) == 2 and body["next"]
    assert all("<mark>" in a["snippet_html"].lower() or "river" in a["title"].lower() for a in body["articles"])
    assert all("<" not in a["snippet"] for a in body["articles"])
    assert body["stories"] and all(s["url"].startswith("/stories/") for s in body["stories"])
    everything = walk(client, "/api/search?q=river&limit=2", "articles")
    assert len({a["id"] for a in everything}) == len(everything) > 2
    assert client.get("/api/search?q=zzzxqy").json()["articles"] == []
    assert client.get('/api/search?q=" OR * NEAR(').status_code == 200  # FTS syntax is not syntax
    assert_error(client.get("/api/search?q=%20"), 400, "empty")
    assert_error(client.get("/api/search"), 422)


def test_snippets_escape_stored_markup(fresh):
    c = fresh()
    c.post("/api/articles", headers=auth(), json={
        "title": "Markup in text", "outlet": "Test", "text": "The <b>river</b> & <script>x()</script> "
        + " ".join(story_paragraphs("river markup"))})
    hit = c.get("/api/search?q=river").json()["articles"][0]
    assert "<b>" not in hit["snippet_html"] and "<script>" not in hit["snippet_html"]
    assert "&lt;" in hit["snippet_html"] and "<mark>" in hit["snippet_html"]


# -- ETags, OpenAPI, headers -----------------------------------------------------------------------

def test_etags_give_304_until_the_data_changes(fresh):
    c = fresh()
    c.post("/api/articles", headers=auth(), json={"title": "One", "text": " ".join(story_paragraphs("one")),
                                                  "outlet": "Test"})
    first = c.get("/api/articles")
    etag = first.headers["etag"]
    assert etag and c.get("/api/articles", headers={"If-None-Match": etag}).status_code == 304
    c.post("/api/articles", headers=auth(), json={"title": "Two", "text": " ".join(story_paragraphs("two")),
                                                  "outlet": "Test"})
    again = c.get("/api/articles", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["etag"] != etag


def test_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
                 "/api/articles/{article_id}/summary", "/api/search", "/api/sources"):
        assert path in paths, path
    assert "post" in paths["/api/articles"] and "post" in paths["/api/sources"]
    assert "requestBody" in paths["/api/articles"]["post"]
    assert not any(p.startswith("/stories") for p in paths)  # pages are not API


def test_security_headers_on_every_response(client):
    for url in ("/api/stories", "/api/stories/99999", "/"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


# -- writes ----------------------------------------------------------------------------------------

def test_writes_need_the_token(fresh):
    c = fresh()
    record = {"title": "Token", "text": " ".join(story_paragraphs("tokens")), "outlet": "Test"}
    missing = c.post("/api/articles", json=record)
    assert_error(missing, 401, "token")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_error(c.post("/api/articles", json=record, headers=auth("wrong")), 403, "wrong")
    assert_error(c.post("/api/articles", json=record, headers={"Authorization": f"Basic {TOKEN}"}), 401)
    assert_error(c.post("/api/sources", json={"url": "http://127.0.0.1:9/feed"}), 401)
    assert c.get("/api/articles").json()["articles"] == []


def test_no_configured_token_means_no_writes(fresh):
    c = fresh(token=None)
    record = {"title": "Closed", "text": " ".join(story_paragraphs("closed")), "outlet": "Test"}
    assert_error(c.post("/api/articles", json=record, headers=auth("anything")), 403, "no write token")
    assert_error(c.post("/api/articles", json=record), 403)
    assert_error(c.post("/api/sources", json={"url": "https://example.org/feed"}, headers=auth("")), 403)


def test_post_article_text_html_and_duplicates(fresh):
    c = fresh()
    record = {"title": "Bridge reopens", "text": "\n\n".join(story_paragraphs("the bridge")),
              "outlet": "Lakeside Gazette", "author": "Ana Ruiz", "published": "2026-11-18T09:30:00Z"}
    made = c.post("/api/articles", json=record, headers=auth())
    assert made.status_code == 201, made.text
    article_id = made.json()["articles"][0]
    assert made.headers["location"] == f"/api/articles/{article_id}"
    stored = c.get(f"/api/articles/{article_id}").json()
    assert (stored["title"], stored["outlet"], stored["author"]) == ("Bridge reopens", "Lakeside Gazette", "Ana Ruiz")
    again = c.post("/api/articles", json=record, headers=auth())
    assert again.status_code == 200 and again.json()["duplicates"] == 1 and again.json()["articles"] == []
    html = article_html("Harbour dredging starts", story_paragraphs("dredging"), url="https://lakeside.example/d")
    made = c.post("/api/articles", json={"html": html, "url": "https://lakeside.example/d"}, headers=auth())
    assert made.status_code == 201
    stored = c.get(f"/api/articles/{made.json()['articles'][0]}").json()
    assert stored["title"] == "Harbour dredging starts" and "Share on X" not in stored["text"]


def test_post_article_bad_bodies(fresh):
    c = fresh()
    assert_error(c.post("/api/articles", content=b"{not json", headers=auth() | {"Content-Type": "application/json"}),
                 400, "not valid JSON")
    assert_error(c.post("/api/articles", json={"text": "no title"}, headers=auth()), 422, "title")
    assert_error(c.post("/api/articles", json={}, headers=auth()), 422, "url, html or text")
    assert_error(c.post("/api/articles", json={"url": "javascript:alert(1)"}, headers=auth()), 422, "http")
    assert_error(c.post("/api/articles", json={"title": "x", "text": "y", "color": 1}, headers=auth()), 422)
    assert_error(c.post("/api/articles", content=b"title=x", headers=auth() | {
        "Content-Type": "application/x-www-form-urlencoded"}), 415)
    big = {"title": "Big", "text": "word " * 600_000}
    assert_error(c.post("/api/articles", json=big, headers=auth()), 413, "bytes")
    empty_page = "<html><body><nav>Home</nav></body></html>"
    assert_error(c.post("/api/articles", json={"html": empty_page}, headers=auth()), 422, "could not add")


def test_write_rate_limit(fresh):
    c = fresh(write_rate=(2, 60.0))
    for n in range(2):
        record = {"title": f"Limit {n}", "text": " ".join(story_paragraphs(f"limit {n}")), "outlet": "T"}
        assert c.post("/api/articles", json=record, headers=auth()).status_code == 201
    limited = c.post("/api/articles", json={"title": "x", "text": "y"}, headers=auth())
    assert_error(limited, 429, "too many")
    assert int(limited.headers["retry-after"]) >= 1


def test_summary_rate_limit(fresh):
    c = fresh(summary_rate=(2, 60.0))
    made = c.post("/api/articles", headers=auth(), json={
        "title": "Summaries", "text": "\n\n".join(story_paragraphs("summaries")), "outlet": "T"}).json()
    url = f"/api/articles/{made['articles'][0]}/summary"
    assert c.get(url).status_code == 200 and c.get(url + "?sentences=1").status_code == 200
    assert_error(c.get(url), 429)
    page = c.get(f"/articles/{made['articles'][0]}?summary=1")  # the no-script button shares the limit
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")


def test_post_sources_feed_and_opml(fresh, server):
    c = fresh()
    page = server.page("/p1.html", article_html("Ferry timetable changes", story_paragraphs("ferries"),
                                                url=server.url("/p1.html")))
    feed = server.page("/feed.xml", rss([{"title": "Ferry timetable changes", "link": page}]),
                       "application/rss+xml")
    made = c.post("/api/sources", json={"url": feed}, headers=auth())
    assert made.status_code == 201, made.text
    assert made.json()["added"] == 1 and made.json()["failed"] == []
    page2 = server.page("/p2.html", article_html("Library hours extended", story_paragraphs("library"),
                                                 url=server.url("/p2.html")))
    feed2 = server.page("/feed2.xml", rss([{"title": "Library hours extended", "link": page2}], title="Other"),
                        "application/rss+xml")
    opml = f'<?xml version="1.0"?><opml version="2.0"><body><outline text="o" xmlUrl="{feed2}"/></body></opml>'
    made = c.post("/api/sources", json={"opml": opml}, headers=auth())
    assert made.status_code == 201 and made.json()["added"] == 1
    assert {a["title"] for a in c.get("/api/articles").json()["articles"]} == {
        "Ferry timetable changes", "Library hours extended"}
    again = c.post("/api/sources", json={"url": feed}, headers=auth())
    assert again.status_code == 200 and again.json()["added"] == 0
    assert_error(c.post("/api/sources", json={"url": feed, "opml": opml}, headers=auth()), 422, "exactly one")
    assert_error(c.post("/api/sources", json={"url": "ftp://x.example/feed"}, headers=auth()), 422)


def test_server_keeps_the_private_address_policy(tmp_path, server):
    feed = server.page("/feed.xml", rss([{"title": "Internal", "link": server.url("/x.html")}]),
                       "application/rss+xml")
    policy = FetchSettings(timeout=1.0, retries=0, allow_private=False)
    with TestClient(create_app(str(tmp_path / "p.db"), token=TOKEN, settings=policy)) as c:
        made = c.post("/api/sources", json={"url": feed}, headers=auth())
        assert made.status_code == 200 and made.json()["added"] == 0
        assert "private" in json.dumps(made.json()["failed"]).lower() or "loopback" in json.dumps(
            made.json()["failed"]).lower()
