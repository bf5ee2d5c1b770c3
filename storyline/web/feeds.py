"""Feeds out: the front page and any search as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Items carry plain text (the brief's first sentences, or a search snippet);
all markup is produced by ElementTree / json, so nothing is spliced as text,
and characters XML forbids (controls, lone surrogates, U+FFFE/U+FFFF) are
dropped from every field, so one stored title cannot make a feed ill-formed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from storyline.web.sanitize import unmarked

ATOM = "http://www.w3.org/2005/Atom"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Item:
    id: str
    url: str
    title: str
    text: str
    published: str | None
    authors: list[str] = field(default_factory=list)


@dataclass
class Feed:
    title: str
    home: str  # the HTML page the feed mirrors
    self_urls: dict[str, str]  # kind -> URL of the feed itself
    items: list[Item]


def _moment(iso: str | None) -> datetime:
    if iso:
        try:
            moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return datetime(1970, 1, 1, tzinfo=timezone.utc)


def _rfc3339(iso: str | None) -> str:
    return _moment(iso).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def front_feed(base: str, stories: list[dict]) -> Feed:
    base = base.rstrip("/")
    items = [Item(f"{base}/stories/{s['id']}", f"{base}/stories/{s['id']}", s["title"] or "(untitled)",
                  " ".join(s.get("lead") or []), _story_moment(s), list(s["outlets"])) for s in stories]
    return Feed("Storyline — front page", base + "/",
                {k: f"{base}/feed.{k}" for k in ("rss", "atom", "json")}, items)


def _story_moment(story: dict) -> str | None:
    """A story's newest publication time; its last added time only when no article is dated."""
    return (story.get("times") or {}).get("last_published") or story["last_seen"]


def search_feed(base: str, query: str, hits: list[dict]) -> Feed:
    base = base.rstrip("/")
    qs = urlencode({"q": query})
    items = [Item(f"{base}/articles/{h['id']}", f"{base}/articles/{h['id']}", h["title"],
                  unmarked(h.get("snippet")), h["published"], [h["outlet"]]) for h in hits]
    return Feed(f"Storyline — search: {query}", f"{base}/search?{qs}",
                {k: f"{base}/search.{k}?{qs}" for k in ("rss", "atom", "json")}, items)


def render(feed: Feed, kind: str) -> str:
    return {"rss": rss, "atom": atom, "json": json_feed}[kind](xml_safe(feed))


def xml_text(text: str | None) -> str | None:
    return NOT_XML.sub("", text) if text else text


def xml_safe(feed: Feed) -> Feed:
    """The feed with every string stripped of what XML 1.0 cannot carry."""
    def clean(value):
        if isinstance(value, str):
            return xml_text(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, Item):
            return replace(value, **{f.name: clean(getattr(value, f.name)) for f in fields(value)})
        return value
    return replace(feed, **{f.name: clean(getattr(feed, f.name)) for f in fields(feed)})


def rss(feed: Feed) -> str:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = feed.title
    ET.SubElement(channel, "link").text = feed.home
    ET.SubElement(channel, "description").text = "No time to read? Get a summary."
    ET.SubElement(channel, "atom:link", {"href": feed.self_urls["rss"], "rel": "self",
                                         "type": "application/rss+xml"})
    if feed.items:
        newest = max(_moment(i.published) for i in feed.items)
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    for item in feed.items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.url
        ET.SubElement(node, "guid", {"isPermaLink": "true"}).text = item.id
        ET.SubElement(node, "description").text = item.text
        if item.published:
            ET.SubElement(node, "pubDate").text = format_datetime(_moment(item.published))
        for author in item.authors:
            ET.SubElement(node, "category").text = author
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def atom(feed: Feed) -> str:
    root = ET.Element("feed", {"xmlns": ATOM})
    ET.SubElement(root, "title").text = feed.title
    ET.SubElement(root, "id").text = feed.self_urls["atom"]
    ET.SubElement(root, "link", {"rel": "self", "href": feed.self_urls["atom"]})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": feed.home})
    newest = max((_moment(i.published) for i in feed.items), default=_moment(None))
    ET.SubElement(root, "updated").text = newest.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = "Storyline"
    for item in feed.items:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "id").text = item.id
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": item.url})
        ET.SubElement(entry, "updated").text = _rfc3339(item.published)
        if item.published:
            ET.SubElement(entry, "published").text = _rfc3339(item.published)
        for name in item.authors:
            ET.SubElement(ET.SubElement(entry, "author"), "name").text = name
        ET.SubElement(entry, "summary", {"type": "text"}).text = item.text
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def json_feed(feed: Feed) -> str:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home,
        "feed_url": feed.self_urls["json"],
        "items": [{"id": i.id, "url": i.url, "title": i.title, "content_text": i.text,
                   **({"date_published": _rfc3339(i.published)} if i.published else {}),
                   "authors": [{"name": a} for a in i.authors]} for i in feed.items],
    }, ensure_ascii=False, indent=1)
