"""Issue 10, item 4: one bad item never ends a batch. Each hostile item is
recorded as a readable failure, and the good item after it is still stored
(loopback server, real SQLite file)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from storyline.extract import extract_html, extract_text
from storyline.feeds import parse_feed
from storyline.ingest import Ingestor
from tests.conftest import ROOT, Reply
from tests.pages import article_html, rss, story_paragraphs

BAD_LINKS = ["http://x.example:99999/a", "http://[::1/a", "http://[zz]/", "http://host:abc/d"]
CONTROLS = ["\x0b", "\x1b", "\x00", "\x07"]


def _full(topic: str) -> str:
    """Item content long enough to be taken as the whole article (no fetch)."""
    return "".join(f"<p>{p}</p>" for p in story_paragraphs(topic, 6))


def _json_feed(items: list, title="Hostile JSON") -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items})


def _good_item(topic: str) -> dict:
    return {"id": topic, "url": f"https://good.example/{topic.replace(' ', '-')}", "title": f"Good {topic}",
            "content_html": _full(topic)}


def _stored_titles(store) -> set[str]:
    return {r["title"] for r in store.list_articles(limit=1000)}


def _readable(report) -> None:
    for failure in report.failed:
        assert failure.error and "\n" not in failure.error and "Traceback" not in failure.error
        assert len(failure.error) <= 500


def _no_controls(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\n\t\r" or 0x7F <= ord(c) < 0xA0 for c in text)


@pytest.mark.parametrize("link", BAD_LINKS)
def test_feed_item_with_a_malformed_link_fails_alone(server, store, fetcher, link):
    feed = server.page("/links.xml", rss([
        {"title": "Bad link", "link": link},
        {"title": "Good after", "link": "https://good.example/after", "content": _full("the ferry")},
    ]), "application/rss+xml")
    report = Ingestor(store, fetcher).add([feed])
    _readable(report)
    assert report.added == 1 and _stored_titles(store) == {"Good after"}
    [failure] = report.failed
    assert failure.source == link and failure.error.endswith(f"in link {link}")
    assert failure.error.startswith(("bad port", "malformed IPv6 address"))
    assert [f["source"] for f in store.failures()] == [link]


def test_command_line_urls_with_bad_ports_or_ipv6_literals_fail_alone(server, store, fetcher):
    good = server.page("/good.html", article_html("Good page", story_paragraphs("the dam")))
    bad = ["http://127.0.0.1:65536/", "http://[::1/", "http://[zz]/", "https://x.example:abc/",
           "not a url or a file"]
    report = Ingestor(store, fetcher).add(bad + [good])
    _readable(report)
    assert report.added == 1 and _stored_titles(store) == {"Good page"}
    errors = {f.source: f.error for f in report.failed}
    assert errors["http://127.0.0.1:65536/"] == "bad port '65536' in URL http://127.0.0.1:65536/"
    assert errors["http://[::1/"] == "malformed IPv6 address in URL http://[::1/"
    assert errors["not a url or a file"] == "no such file or folder, and not an http(s) URL"
    assert len(errors) == len(bad)


def test_cli_add_of_a_bad_port_is_a_recorded_failure_not_a_traceback(tmp_path):
    run = subprocess.run([sys.executable, "-m", "storyline", "--db", str(tmp_path / "cli.db"), "add", "--json",
                          "http://127.0.0.1:65536/", "http://[::1/"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    assert [f["error"] for f in report["failed"]] == ["bad port '65536' in URL http://127.0.0.1:65536/",
                                                      "malformed IPv6 address in URL http://[::1/"]


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_in_item_html_title_and_page(server, store, fetcher, char):
    html = _full(f"the harbour{char} wall").replace("officials", f"offi{char}cials")
    feed = server.page("/controls.json", _json_feed([
        {"id": "1", "url": "https://c.example/1", "title": f"Harbour{char} wall", "content_html": html},
    ]), "application/feed+json")
    page = server.page("/controls.html", article_html(f"Quay{char} page", [
        p.replace("district", f"dis{char}trict") for p in story_paragraphs("the quay")]))
    report = Ingestor(store, fetcher).add([feed, page])
    assert (report.added, report.failed) == (2, [])
    for row in store.list_articles():
        article = store.get_article(row["id"])
        assert _no_controls(article["title"]) and _no_controls(article["text"])
        assert "officials" in article["text"] or "district" in article["text"]
    assert _stored_titles(store) == {"Harbour wall", "Quay page"}


def test_control_characters_in_html_do_not_cost_the_page_its_text():
    paragraphs = [p + "\x1b[2J\x07" for p in story_paragraphs("the pier")]
    extracted = extract_html(article_html("Pier", paragraphs))
    assert "Paragraph 4 about the pier" in extracted.text and _no_controls(extracted.text)


WRONG_TYPES = [
    ({"content_html": {"a": 1}}, "JSON Feed item 1: content_html is an object, not a string"),
    ({"content_html": ["<p>x</p>"]}, "JSON Feed item 1: content_html is a list, not a string"),
    ({"content_html": 5}, "JSON Feed item 1: content_html is a number, not a string"),
    ({"content_text": ["x"]}, "JSON Feed item 1: content_text is a list, not a string"),
    ({"url": 7, "content_text": "x"}, "JSON Feed item 1: url is a number, not a string"),
    ({"url": True}, "JSON Feed item 1: url is a boolean, not a string"),
]


@pytest.mark.parametrize("fields, error", WRONG_TYPES)
def test_json_feed_content_of_the_wrong_type_fails_that_item(tmp_path, store, fetcher, fields, error):
    (tmp_path / "odd.json").write_text(_json_feed([{"id": "odd", **fields}, _good_item("the lock gates")]))
    report = Ingestor(store, fetcher).add([str(tmp_path / "odd.json")])
    assert report.added == 1 and [f.error for f in report.failed] == [error]


@pytest.mark.parametrize("value", [{"a": 1}, ["x", 2], 42, 3.5, True, None])
def test_json_feed_metadata_of_the_wrong_type_is_ignored(tmp_path, store, fetcher, value):
    item = {**_good_item("the canal"), "id": value, "title": value, "authors": value, "author": value,
            "date_published": value, "summary": value}
    (tmp_path / "meta.json").write_text(_json_feed([item, "not an object", 17], title=value))
    report = Ingestor(store, fetcher).add([str(tmp_path / "meta.json")])
    assert (report.added, report.failed) == (1, [])
    article = store.get_article(store.list_articles()[0]["id"])
    assert article["title"].startswith("Paragraph 0 about the canal")
    assert article["author"] == ("x" if value == ["x", 2] else None)  # a list of names may hold strings


def test_json_feed_authors_as_strings_are_names():
    feed = parse_feed(_json_feed([{**_good_item("a"), "authors": ["Ana", 3, {"name": "Bo"}]},
                                  {**_good_item("b"), "author": "Cy"}]).encode())
    assert [e.author for e in feed.entries] == ["Ana, Bo", "Cy"]


def test_json_nested_100k_deep_is_a_readable_failure(server, store, fetcher, tmp_path):
    deep = '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (tmp_path / "deep.json").write_text(deep)
    url = server.page("/deep.json", deep, "application/feed+json")
    good = server.page("/good.html", article_html("After the deep one", story_paragraphs("the weir")))
    report = Ingestor(store, fetcher).add([str(tmp_path / "deep.json"), url, good])
    assert report.added == 1
    assert [f.error for f in report.failed] == ["broken JSON Feed: nested too deeply"] * 2


def test_opml_with_malformed_urls_and_an_entity_bomb(server, store, fetcher, tmp_path):
    feed = server.page("/good.xml", rss([{"title": "Via OPML", "link": "https://g.example/1",
                                           "content": _full("the sluice")}]), "application/rss+xml")
    (tmp_path / "subs.opml").write_text(
        '<opml version="2.0"><body><outline xmlUrl="http://[::1/feed"/>'
        '<outline xmlUrl="http://feeds.example:99999/rss"/><outline xmlUrl="file:///etc/passwd"/>'
        f'<outline xmlUrl="{feed}"/></body></opml>')
    entities = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    (tmp_path / "bomb.opml").write_text(f'<?xml version="1.0"?><!DOCTYPE opml [{entities}]>'
                                        '<opml><body><outline text="&a9;" xmlUrl="https://x.example/&a9;"/>'
                                        "</body></opml>")
    report = Ingestor(store, fetcher).add([str(tmp_path / "subs.opml"), str(tmp_path / "bomb.opml")])
    _readable(report)
    assert report.added == 1 and _stored_titles(store) == {"Via OPML"}
    errors = [f.error for f in report.failed]
    assert errors[0].endswith("malformed IPv6 address in http://[::1/feed")
    assert errors[1].endswith("bad port '99999' in http://feeds.example:99999/rss")
    assert errors[2].endswith("is not an http(s) URL")
    assert "no feeds" in errors[3]  # the bomb expanded to nothing usable
    assert [f["url"] for f in store.feeds()] == [feed]  # no malformed URL became a feed


JSONL_LINES = [
    ({"html": 5}, "html is a number, not a string"),
    ({"text": [], "title": {}}, "text is a list, not a string"),
    ({"url": 7}, "url is a number, not a string"),
    ({"text": "Some text.", "title": "T", "published": 12}, "published is a number, not a string"),
    ({"text": "Some text.", "title": "T", "author": ["a"]}, "author is a list, not a string"),
    ({"url": "http://[::1/x"}, "malformed IPv6 address in URL http://[::1/x"),
    ({"url": "ftp://x.example/"}, "url is not an http(s) URL: ftp://x.example/"),
    ({"html": "<p>x</p>", "url": "http://x.example:99999/"}, "bad port '99999' in url http://x.example:99999/"),
    ([1, 2], "bad JSON line: a list, not an object"),
]


def test_jsonl_lines_of_the_wrong_type_fail_alone(store, fetcher, tmp_path):
    lines = [json.dumps(line) for line, _ in JSONL_LINES]
    lines.append("[" * 100_000 + "]" * 100_000)
    lines.append(json.dumps({"text": "\n\n".join(story_paragraphs("the mill race")), "title": "Good line\x1b[31m",
                             "outlet": "Mill\x07 News", "author": "Ann \ud800 Lee"}))
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = Ingestor(store, fetcher).add([str(tmp_path / "batch.jsonl")])
    _readable(report)
    assert report.added == 1
    expected = [error for _, error in JSONL_LINES] + ["bad JSON line: nested too deeply"]
    assert [f.error for f in report.failed] == expected
    article = store.get_article(store.list_articles()[0]["id"])
    assert (article["title"], article["outlet"], article["author"]) == ("Good line[31m", "Mill News", "Ann \ufffd Lee")


def test_text_files_with_controls_nuls_bad_utf8_and_a_long_line(store, fetcher, tmp_path):
    def body(topic: str) -> str:
        return "\n\n".join(story_paragraphs(topic))
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a-controls.md").write_bytes(f"Lighthouse\x1b[31m keeper\x07\n\n{body('the lamp')}\x0b\x0c end".encode())
    stray_nul = body("the buoy").replace("officials", "offi\x00cials")
    (folder / "b-nul.txt").write_bytes(f"Stray NUL\n\n{stray_nul}".encode())
    (folder / "c-binary.txt").write_bytes(b"\x00\x01" * 500)
    (folder / "d-utf8.txt").write_bytes(b"Broken \xff\xfe bytes\n\n" + body("the reef").encode() + b" \xc3\x28 tail")
    (folder / "e-long.txt").write_bytes(b"Long line\n\n" + b"word " * 40_000)  # one 200 KB line
    report = Ingestor(store, fetcher).add([str(folder)])
    _readable(report)
    assert [(f.source.rsplit("/", 1)[1], f.error) for f in report.failed] == [
        ("c-binary.txt", "binary data, not a text file")]
    assert report.added == 4
    titles = _stored_titles(store)
    assert {"Lighthouse[31m keeper", "Stray NUL", "Long line"} <= titles
    for row in store.list_articles():
        assert _no_controls(store.get_article(row["id"])["text"])


def test_text_extraction_keeps_words_apart_across_whitespace_controls():
    extracted = extract_text("Title\n\nOne sentence here.\x0cAnother sentence there.\x0bAnd a third one.")
    assert "here." in extracted.text.split() and "Another" in extracted.text.split()


def test_fetch_polls_the_other_feeds_whatever_one_does(server, store, fetcher):
    good = server.page("/good.xml", rss([{"title": "Polled", "link": "https://g.example/p",
                                          "content": _full("the jetty")}]), "application/rss+xml")
    hostile = server.page("/hostile.xml", rss([{"title": "Harmless", "link": "https://g.example/h",
                                                "content": _full("the slipway")}]), "application/rss+xml")
    assert Ingestor(store, fetcher).add([hostile]).added == 1
    store.add_feed("http://[::1/feed")  # a malformed feed URL an older version registered
    server.routes["/hostile.xml"] = lambda _r: Reply(302, b"", {"Location": "http://[::1"})
    store.add_feed(good)
    report = Ingestor(store, fetcher).fetch_feeds()
    _readable(report)
    assert report.added == 1 and "Polled" in _stored_titles(store)
    assert {f.source for f in report.failed} == {hostile, "http://[::1/feed"}
    assert store.feed("http://[::1/feed")["last_error"] == "malformed IPv6 address in feed URL http://[::1/feed"


def test_store_refusing_one_item_fails_only_that_item_and_keeps_the_feed_unvalidated(server, store, fetcher):
    store.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = 'Refused' "
                     "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    feed_body = rss([{"title": "Refused", "link": "https://r.example/1", "content": _full("the boathouse")},
                     {"title": "Kept", "link": "https://r.example/2", "content": _full("the towpath")}]).encode()
    server.routes["/r.xml"] = lambda _r: Reply(200, feed_body, {"Content-Type": "application/rss+xml",
                                                                "ETag": '"v1"'})
    report = Ingestor(store, fetcher).add([server.url("/r.xml")])
    assert report.added == 1 and _stored_titles(store) == {"Kept"}
    [failure] = report.failed
    assert failure.source == "https://r.example/1" and "refused by the test" in failure.error
    # The refused item is retried on the next poll, not hidden behind a 304.
    assert store.feed(server.url("/r.xml"))["etag"] is None


def test_a_feed_body_naming_a_local_file_is_not_read(server, store, fetcher, tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(rss([{"title": "Local secret", "link": "https://secret.example/",
                            "content": _full("the vault")}]))
    url = server.page("/feed.xml", rss([{"title": "Harmless", "link": "https://h.example/",
                                         "content": _full("the moat")}]), "application/rss+xml")
    assert Ingestor(store, fetcher).add([url]).added == 1
    server.page("/feed.xml", str(secret), "application/rss+xml")  # the body is a local path
    report = Ingestor(store, fetcher).fetch_feeds()
    assert report.added == 0 and len(report.failed) == 1
    assert "Local secret" not in _stored_titles(store)


@pytest.mark.parametrize("charset", ["rot13", "zlib", "base64", "punycode", "unicode_escape", "no-such"])
def test_a_page_declaring_a_codec_that_is_no_charset_is_still_read(charset):
    html = article_html("Odd charset", story_paragraphs("the causeway")).replace("utf-8", charset)
    extracted = extract_html(html.encode("utf-8"))
    assert extracted.title == "Odd charset" and "Paragraph 4 about the causeway" in extracted.text


def test_a_text_too_long_to_be_an_article_is_refused_alone(store, fetcher, tmp_path):
    from storyline.extract.limits import MAX_ARTICLE_WORDS
    from storyline.ingest import Ingestor

    huge = tmp_path / "huge.txt"
    huge.write_text("A log, not news\n\n" + "entry " * (MAX_ARTICLE_WORDS + 10))
    fine = tmp_path / "fine.txt"
    fine.write_text("Harbour repairs begin\n\n" + "The council said repairs to the harbour wall begin on Monday. " * 20)
    with Ingestor(store, fetcher=fetcher) as ingestor:
        report = ingestor.add([str(huge), str(fine)])
    assert report.added == 1 and len(report.failed) == 1
    assert "more than 50,000 words" in report.failed[0].error


def test_heavy_pages_are_bounded_before_extraction(store, fetcher, tmp_path):
    """8 MB of script around a real article is extracted; 5 MB of markup besides scripts is refused."""
    from storyline.extract.limits import MAX_MARKUP_CHARS

    body = "".join(f"<p>{p}</p>" for p in story_paragraphs("the ferry landing"))
    script = "<script>var state = '" + "a" * (8 * 2**20) + "';</script>"
    scripty = tmp_path / "scripty.html"
    scripty.write_text(f"<html><head><title>Ferry landing</title>{script}</head><body><article>"
                       f"<h1>Ferry landing</h1>{body}</article></body></html>")
    dense = tmp_path / "dense.html"
    para = "<div><p>" + "The council voted on the harbour again today. " * 20 + "</p></div>"
    dense.write_text("<html><body>" + para * (MAX_MARKUP_CHARS // len(para) + 100) + "</body></html>")
    with Ingestor(store, fetcher=fetcher) as ingestor:
        report = ingestor.add([str(scripty), str(dense)])
    assert report.added == 1
    assert len(report.failed) == 1 and report.failed[0].error.endswith(
        "MB of markup besides its scripts and styles, more than the 4 MB an article page may have")


def test_the_word_cap_counts_scripts_written_without_spaces():
    from storyline.extract import ExtractionError, extract_text
    from storyline.extract.limits import MAX_ARTICLE_WORDS

    with pytest.raises(ExtractionError, match="more than 50,000 words"):
        extract_text("長い記録\n\n" + "記録" * (MAX_ARTICLE_WORDS + 10))
    assert extract_text("短い記事\n\n" + "市議会は火曜日に港の修理を承認した。" * 50).text
