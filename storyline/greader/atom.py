"""A stream as Google Reader's Atom output (`/reader/atom/STREAM`), which
FeedHQ-mode clients such as newsboat read: each entry's state is a
`category` in Google's scheme (label "read", or "fresh" while unread), its id
the long item id that edit-tag takes back."""
from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from storyline.greader import ids
from storyline.greader.items import Item
from storyline.web.feeds import xml_text

ATOM = "http://www.w3.org/2005/Atom"
GR = "http://www.google.com/schemas/reader/atom/"
SCHEME = "http://www.google.com/reader/"


def _time(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _category(entry: ET.Element, term: str) -> None:
    ET.SubElement(entry, "category", {"term": term, "scheme": SCHEME, "label": term.rsplit("/", 1)[-1]})


def render(stream_id: str, title: str, home: str, items: list[Item], continuation: str | None) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM, "xmlns:gr": GR})
    ET.SubElement(root, "id").text = xml_text("tag:google.com,2005:reader/" + stream_id)
    ET.SubElement(root, "title").text = xml_text(title)
    if home:
        ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": xml_text(home)})
    ET.SubElement(root, "updated").text = _time(max((i.added for i in items), default=0))
    if continuation:
        ET.SubElement(root, "gr:continuation").text = continuation
    for item in items:
        entry = ET.SubElement(root, "entry", {"gr:crawl-timestamp-msec": str(item.added * 1000)})
        ET.SubElement(entry, "id").text = ids.long_id(item.ref)
        for term in item.categories():
            _category(entry, term)
        if not item.read:
            _category(entry, ids.FRESH)
        ET.SubElement(entry, "title", {"type": "text"}).text = xml_text(item.title)
        ET.SubElement(entry, "published").text = _time(item.published)
        ET.SubElement(entry, "updated").text = _time(item.added)
        if item.url:
            ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": xml_text(item.url)})
        ET.SubElement(entry, "content", {"type": "html"}).text = xml_text(item.html)
        if item.author:
            ET.SubElement(ET.SubElement(entry, "author"), "name").text = xml_text(item.author)
        source = ET.SubElement(entry, "source", {"gr:stream-id": xml_text(item.origin.stream)})
        ET.SubElement(source, "id").text = xml_text("tag:google.com,2005:reader/" + item.origin.stream)
        ET.SubElement(source, "title").text = xml_text(item.origin.title)
        if item.origin.html_url:
            ET.SubElement(source, "link", {"rel": "alternate", "type": "text/html",
                                           "href": xml_text(item.origin.html_url)})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
