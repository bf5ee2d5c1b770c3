"""Hostile payloads: what a hostile feed publisher, page or operator hands Storyline.

Everything here is made on the fly; nothing is downloaded or copied in.
"""
from __future__ import annotations

import gzip
import json
import zlib

GOOD_PARAGRAPHS = [
    "The Harlow county council voted on Tuesday to close the old ferry landing for repairs after "
    "inspectors found corroded pilings under the main deck, officials said.",
    "Engineers told the council that the repairs would take about six weeks and cost close to "
    "two million dollars, paid from the county's reserve fund.",
    "Commuters who use the landing were asked to take the bridge route instead, and the transit "
    "agency said it would add two extra buses during the morning rush hour.",
    "Residents at the meeting asked why the damage had not been found earlier; the county engineer "
    "said the last full inspection was four years ago and promised yearly checks from now on.",
    "Shop owners near the landing said the closure would cost them customers through the busy "
    "autumn market season, and the chamber of commerce asked the county for a temporary shuttle.",
    "The council will hear an update from the engineers at its next meeting in three weeks, when "
    "a firm date for reopening the landing is expected to be announced.",
]


def good_text(tag: str) -> str:
    return "\n\n".join(f"{p} ({tag})" for p in GOOD_PARAGRAPHS)


def good_html(tag: str) -> str:
    body = "".join(f"<p>{p} ({tag})</p>" for p in GOOD_PARAGRAPHS)
    return (f"<html><head><title>Ferry landing closed {tag}</title></head><body><article>"
            f"<h1>Ferry landing closed {tag}</h1>{body}</article></body></html>")


def nested_compression(size: int, layers: list[str]) -> bytes:
    """`size` zero bytes compressed by each layer in turn (innermost first), built
    in chunks so making a multi-gigabyte bomb needs no memory."""
    def encoder(kind: str):
        if kind == "gzip":
            return zlib.compressobj(9, zlib.DEFLATED, 31)
        if kind == "deflate":
            return zlib.compressobj(9, zlib.DEFLATED, 15)
        raise ValueError(kind)

    first = encoder(layers[0])
    chunk = bytes(1 << 20)
    parts = []
    for _ in range(size // len(chunk)):
        parts.append(first.compress(chunk))
    parts.append(first.flush())
    data = b"".join(parts)
    for kind in layers[1:]:
        enc = encoder(kind)
        data = enc.compress(data) + enc.flush()
    return data


def rss(items: list[dict], title: str = "Hostile Wire") -> str:
    out = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
           f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
           "<link>https://hostile.example/</link><description>x</description>"]
    for item in items:
        out.append("<item>")
        for key, value in item.items():
            out.append(f"<{key}>{value}</{key}>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "".join(out)


def cdata(html: str) -> str:
    return f"<![CDATA[{html}]]>"


def feed_with_bad_links(port: int) -> str:
    """Items whose links httpx and urlsplit cannot parse, between good full-text items."""
    bad = ["http://x.example:99999/a", "http://[::1/a", "http://[zz]/b", "http://host:-1/c",
           "http://host:abc/d", "http://127.0.0.1:65536/e", "http://" + "a" * 70000 + ".example/"]
    items = [{"title": "Good first", "link": f"http://127.0.0.1:{port}/good-first",
              "description": cdata(good_html("first")) }]
    items += [{"title": f"Bad link {i}", "link": link, "description": "short teaser"}
              for i, link in enumerate(bad)]
    items.append({"title": "Good last", "link": f"http://127.0.0.1:{port}/good-last",
                  "description": cdata(good_html("last"))})
    return rss(items)


def feed_with_control_characters() -> str:
    html = good_html("controls").replace("The Harlow", "The\x0b Harlow\x1b[2J").replace(
        "Engineers", "Engi\x00neers\x07")
    # Raw control characters are not XML: inside CDATA they make the document
    # ill-formed, which feedparser must survive.
    return rss([{"title": "Controls\x1b]8;;https://evil.example\x07 in title",
                 "link": "https://hostile.example/controls", "content:encoded": cdata(html)},
                {"title": "Good neighbour", "link": "https://hostile.example/good",
                 "content:encoded": cdata(good_html("neighbour"))}])


def json_feed_wrong_types() -> str:
    odd_values = [{"a": 1}, ["x", 2], 42, 3.5, True, None, "x" * 10]
    items = []
    for i, value in enumerate(odd_values):
        items.append({"id": value, "url": value, "title": value, "content_html": value,
                      "content_text": value, "authors": value, "author": value,
                      "date_published": value, "summary": value})
        items.append({"id": f"odd-{i}", "url": f"https://hostile.example/odd-{i}", "title": "Odd",
                      "content_html": value, "authors": 7})
    items.append({"id": "good", "url": "https://hostile.example/json-good", "title": "Good JSON item",
                  "content_html": good_html("json")})
    items.append("not an object")
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Odd Feed", "items": items})


def deeply_nested_json(depth: int = 100_000) -> str:
    return '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * depth + "]" * depth + "}"


def opml_with_bad_urls(port: int) -> str:
    return ('<?xml version="1.0"?><opml version="2.0"><body>'
            '<outline text="bad v6" xmlUrl="http://[::1/feed"/>'
            '<outline text="bad port" xmlUrl="http://feeds.example:99999/rss"/>'
            '<outline text="not http" xmlUrl="file:///etc/passwd"/>'
            f'<outline text="good" xmlUrl="http://127.0.0.1:{port}/opml-good.xml"/>'
            "</body></opml>")


def entity_bomb(root: str = "rss") -> str:
    lol = ['<!ENTITY a0 "lollollollollollollollollollol">']
    lol += [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    inner = ("<channel><title>&a9;</title><item><title>&a9;</title><link>https://hostile.example/lol</link>"
             "<description>&a9;</description></item></channel>") if root == "rss" else \
        '<body><outline text="&a9;" xmlUrl="https://hostile.example/&a9;"/></body>'
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(lol)}]><{root} version="2.0">{inner}</{root}>'


def jsonl_wrong_types() -> str:
    lines = [{"html": 5}, {"text": [], "title": {}}, {"url": 7}, {"text": "x " * 200, "title": "t",
             "published": 12, "author": ["a"], "outlet": {"o": 1}}, [1, 2], "str", 3,
             {"html": "<html>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000},
             {"text": good_text("jsonl"), "title": "Good jsonl line", "outlet": "Hostile Wire"}]
    out = [json.dumps(line) for line in lines]
    out.insert(3, "[" * 100_000 + "]" * 100_000)
    out.insert(4, "{not json")
    return "\n".join(out) + "\n"


def text_with_controls() -> bytes:
    text = ("Ferry \x1b[31mlanding\x1b[0m closed \x07\n\n" + good_text("text").replace("council", "coun\x00cil")
            + "\n\n" + "broken utf-8 \xff\xfe here").encode("utf-8", "surrogateescape")
    return text + b"\xc3\x28\xa0\xa1 end\n"


def huge_single_line(megabytes: int = 5) -> bytes:
    return b"Title line\n\n" + (b"word " * (megabytes * 1024 * 1024 // 5))


def huge_html(megabytes: int = 9) -> bytes:
    para = ("<div class='x'><p>" + GOOD_PARAGRAPHS[0] + "</p></div>").encode()
    return b"<html><body>" + para * (megabytes * 1024 * 1024 // len(para)) + b"</body></html>"


def deep_html(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + good_html("deep").encode() + b"</div>" * depth + b"</body></html>"


def gzip_lie() -> bytes:
    return gzip.compress(good_html("lie").encode())[:40]  # a truncated gzip stream
