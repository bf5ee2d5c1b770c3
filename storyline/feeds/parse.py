"""Feeds and subscription lists: RSS 0.9x/1.0/2.0 and Atom (feedparser),
JSON Feed (our own reader: feedparser 6.0 has none), and OPML."""
from __future__ import annotations

import calendar
import json
import re
import time
from datetime import datetime, timezone

import feedparser
from lxml import etree

from storyline.extract.decode import decode
from storyline.model import FeedEntry, ParsedFeed


class FeedError(Exception):
    """A readable reason why a document gave no feed items."""


_ROOT = re.compile(rb"<\s*([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")


def sniff(body: bytes, content_type: str = "") -> str:
    """'feed', 'json-feed', 'opml', 'html' or 'text' for a fetched or read document."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "json-feed" if b"jsonfeed.org" in head or b'"items"' in body[:65536] else "text"
    # Skip the XML declaration, comments and doctype to find the root element.
    cleaned = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S | re.I)
    root = _ROOT.search(cleaned)
    name = root.group(2).lower() if root else b""
    if name in (b"rss", b"feed", b"rdf", b"channel"):
        return "feed"
    if name == b"opml":
        return "opml"
    if name in (b"html", b"head", b"body", b"meta", b"div", b"article", b"title") or b"<html" in head.lower():
        return "html"
    if any(t in content_type for t in ("rss", "atom", "rdf")):
        return "feed"
    if "html" in content_type:
        return "html"
    return "text"


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return None


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_feed(body: bytes, *, content_type: str = "", charset: str | None = None,
               url: str | None = None) -> ParsedFeed:
    if sniff(body, content_type) == "json-feed":
        return parse_json_feed(body)
    headers = {"content-type": content_type + (f"; charset={charset}" if charset else "")}
    if url:
        headers["content-location"] = url
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True,
                                  resolve_relative_uris=True)
    except Exception as exc:  # feedparser is lenient, but not on every input
        raise FeedError(f"feed parser failed: {type(exc).__name__}: {exc}") from None
    problem = parsed.get("bozo_exception")
    entries = [_entry(e) for e in parsed.entries]
    if not parsed.get("version") and not entries:
        reason = f": {problem}" if problem else ""
        raise FeedError(f"not a readable RSS, Atom or JSON feed{reason}")
    meta = parsed.feed
    return ParsedFeed(
        kind=parsed.get("version") or "unknown",
        title=_text(meta.get("title")),
        site_url=_text(meta.get("link")),
        entries=entries,
        warning=f"{type(problem).__name__}: {problem}" if parsed.get("bozo") and problem else None,
    )


def _entry(e) -> FeedEntry:
    contents = [c.get("value") for c in e.get("content") or [] if c.get("value")]
    return FeedEntry(
        title=_text(e.get("title")),
        link=_text(e.get("link")),
        guid=_text(e.get("id")),
        # dict.get, not e.get: feedparser's own get warns about a deprecated alias
        published=_iso(dict.get(e, "published_parsed") or dict.get(e, "updated_parsed")),
        author=_text(e.get("author")),
        content_html=max(contents, key=len) if contents else None,
        summary_html=_text(e.get("summary")),
    )


def parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        data = json.loads(decode(body, "utf-8"))
    except ValueError as exc:
        raise FeedError(f"broken JSON Feed: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("not a JSON Feed: no list of items")
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = ", ".join(a.get("name", "") for a in authors if isinstance(a, dict) and a.get("name"))
        html = item.get("content_html")
        if not html and item.get("content_text"):
            html = "".join(f"<p>{_escape(p)}</p>" for p in str(item["content_text"]).split("\n\n"))
        entries.append(FeedEntry(
            title=_text(item.get("title")),
            link=_text(item.get("url") or item.get("external_url")),
            guid=_text(item.get("id")),
            published=_text(item.get("date_published") or item.get("date_modified")),
            author=author or None,
            content_html=html,
            summary_html=_text(item.get("summary")),
        ))
    return ParsedFeed("json", _text(data.get("title")), _text(data.get("home_page_url")), entries)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_opml(body: bytes) -> list[tuple[str, str | None]]:
    """(feed URL, title) for every subscription in an OPML file, nested ones included."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"broken OPML: {exc}") from None
    if root is None:
        raise FeedError("broken OPML: no document element")
    found = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if url and url.strip():
            found.append((url.strip(), outline.get("title") or outline.get("text")))
    if not found:
        raise FeedError("the OPML file lists no feeds (no outline with an xmlUrl)")
    return found
