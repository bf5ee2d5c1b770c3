"""Feeds and subscription lists: RSS 0.9x/1.0/2.0 and Atom (feedparser),
JSON Feed (our own reader: feedparser 6.0 has none), and OPML."""
from __future__ import annotations

import calendar
import io
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser
from lxml import etree

from storyline.extract.decode import decode, printable
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
    # No content-location: feedparser silently drops a link it cannot resolve
    # against it ("http://[::1/a"), so relative links are resolved below.
    headers = {"content-type": content_type + (f"; charset={charset}" if charset else "")}
    try:
        # A file object, never bytes: feedparser opens bytes that name a local
        # file, so a feed whose body is "/etc/passwd" would read that file.
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True,
                                  resolve_relative_uris=True)
    except Exception as exc:  # feedparser is lenient, but not on every input
        raise FeedError(f"feed parser failed: {type(exc).__name__}: {exc}") from None
    problem = parsed.get("bozo_exception")
    entries = [_entry(e, url) for e in parsed.entries]
    if not parsed.get("version") and not entries:
        reason = f": {problem}" if problem else ""
        raise FeedError(f"not a readable RSS, Atom or JSON feed{reason}")
    meta = parsed.feed
    return ParsedFeed(
        kind=parsed.get("version") or "unknown",
        title=_text(meta.get("title")),
        site_url=_absolute(url, _text(meta.get("link"))),
        entries=entries,
        warning=f"{type(problem).__name__}: {problem}" if parsed.get("bozo") and problem else None,
        poll_hint=poll_hint(meta),
    )


_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400, "yearly": 365 * 86400}


def poll_hint(meta) -> int | None:
    """How often the feed says to poll it, in seconds: RSS <ttl> (minutes), or the
    syndication module's sy:updatePeriod / sy:updateFrequency; the longer of the two."""
    hints = []
    ttl = str(meta.get("ttl") or "").strip()
    if ttl.isascii() and ttl.isdigit() and 0 < int(ttl[:7]):
        hints.append(int(ttl[:7]) * 60)
    period = _PERIODS.get(str(meta.get("sy_updateperiod") or "").strip().lower())
    if period:
        frequency = str(meta.get("sy_updatefrequency") or "1").strip()
        times = int(frequency[:6]) if frequency.isascii() and frequency.isdigit() and int(frequency[:6]) > 0 else 1
        hints.append(period // times)
    return max(hints) if hints else None


def _absolute(base: str | None, link: str | None) -> str | None:
    """`link` resolved against the feed's address; a malformed one is kept as
    it is, for the ingester to report."""
    if not base or not link:
        return link
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _entry(e, base: str | None = None) -> FeedEntry:
    contents = [c.get("value") for c in e.get("content") or [] if c.get("value")]
    return FeedEntry(
        title=_text(e.get("title")),
        link=_absolute(base, _text(e.get("link"))),
        guid=_text(e.get("id")),
        # dict.get, not e.get: feedparser's own get warns about a deprecated alias
        published=_iso(dict.get(e, "published_parsed") or dict.get(e, "updated_parsed")),
        author=_text(e.get("author")),
        content_html=max(contents, key=len) if contents else None,
        summary_html=_text(e.get("summary")),
    )


def parse_json_feed(body: bytes) -> ParsedFeed:
    """The items of a JSON Feed. An item with a content field or address of the
    wrong type comes back with its `error` set; other fields of the wrong type
    are ignored."""
    try:
        data = json.loads(decode(body, "utf-8"))
    except ValueError as exc:
        raise FeedError(f"broken JSON Feed: {exc}") from None
    except RecursionError:
        raise FeedError("broken JSON Feed: nested too deeply") from None
    if not isinstance(data, dict):
        raise FeedError(f"not a JSON Feed: the document is {describe_json(data)}, not an object")
    if not isinstance(data.get("items"), list):
        raise FeedError("not a JSON Feed: no list of items")
    items = data["items"]
    # Something that is not an object is no item at all: skipped, and said in the warning.
    skipped = [f"item {n} is {describe_json(item)}" for n, item in enumerate(items, start=1)
               if not isinstance(item, dict)]
    entries = [_json_entry(n, item) for n, item in enumerate(items, start=1) if isinstance(item, dict)]
    warning = f"skipped what is not an object: {', '.join(skipped[:3])}" if skipped else None
    return ParsedFeed("json", _string(data.get("title")), _string(data.get("home_page_url")), entries,
                      warning=warning)


class _WrongType(Exception):
    pass


def _json_entry(number: int, item: dict) -> FeedEntry:
    try:
        link = _required_string(item, "url") or _required_string(item, "external_url")
        html = _required_string(item, "content_html")
        text = _required_string(item, "content_text")
    except _WrongType as exc:
        return _failed_entry(f"JSON Feed item {number}: {exc}", link=_string(item.get("url")))
    if not html and text:
        html = "".join(f"<p>{_escape(p)}</p>" for p in text.split("\n\n"))
    return FeedEntry(
        title=_string(item.get("title")),
        link=link,
        guid=_string(item.get("id")),
        published=_string(item.get("date_published")) or _string(item.get("date_modified")),
        author=_json_authors(item),
        content_html=html,
        summary_html=_string(item.get("summary")),
    )


def _failed_entry(error: str, link: str | None = None) -> FeedEntry:
    return FeedEntry(title=None, link=link, guid=None, published=None, author=None,
                     content_html=None, summary_html=None, error=error)


def _json_authors(item: dict) -> str | None:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")]  # JSON Feed 1.0
    names = [_string(a.get("name") if isinstance(a, dict) else a) for a in authors]
    return ", ".join(n for n in names if n) or None


def _string(value) -> str | None:
    """A metadata field: its text, or None when it is missing or not a string."""
    if not isinstance(value, str):
        return None
    return printable(value).strip() or None


def _required_string(item: dict, key: str) -> str | None:
    """A field Storyline cannot do without when present: a string or nothing."""
    value = item.get(key)
    if value is None or isinstance(value, str):
        return _string(value)
    raise _WrongType(f"{key} is {describe_json(value)}, not a string")


def describe_json(value) -> str:
    """What a JSON value is, for error messages: "an object", "a number"..."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "a string"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_opml(body: bytes) -> list[tuple[str, str | None]]:
    """(feed URL, title) for every subscription in an OPML file, nested ones
    included; an outline whose attributes are not text at all is skipped."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"broken OPML: {exc}") from None
    if root is None:
        raise FeedError("broken OPML: no document element")
    found = []
    for outline in root.iter("outline"):
        try:
            url = outline.get("xmlUrl") or outline.get("xmlurl")
            title = outline.get("title") or outline.get("text")
        except UnicodeDecodeError:  # recover mode keeps a character reference like &#xD800; as bad UTF-8
            continue
        if url and url.strip():
            found.append((url.strip(), title))
    if not found:
        raise FeedError("the OPML file lists no feeds (no outline with an xmlUrl)")
    return found
