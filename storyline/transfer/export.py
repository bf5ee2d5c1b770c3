"""`storyline export`: what a database holds, as JSON lines (everything an import
needs to rebuild it) or as an OPML subscription list (the feeds alone).

Articles are read in batches by id (keyset), so an export of any size holds
one batch in memory. Derived data (stories, summaries, briefs, chrome
statistics, vectors) is not exported: an import makes it again from the articles.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import BinaryIO
from xml.etree import ElementTree

from storyline.storage import Store

FORMAT = "storyline-export"
VERSION = 1
BATCH = 200

# Exported per article; `words` is derived from `text` and written for readers of the file.
ARTICLE_FIELDS = ("url", "canonical_url", "content_hash", "outlet", "feed_url", "title", "author",
                  "published", "language", "raw_text", "text", "words", "fetched", "source")
# A feed's row without its ids: what polling needs to resume where it stopped.
FEED_FIELDS = ("url", "title", "site_url", "outlet", "etag", "last_modified", "last_fetched",
               "last_status", "last_error", "errors", "created")
FAILURE_FIELDS = ("source", "error", "at", "resolved")

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def records(store: Store) -> Iterator[dict]:
    """Every line of a JSONL export, header first, as dicts."""
    yield {"type": FORMAT, "version": VERSION, "exported": _now(), "schema": store.schema_revision()}
    for row in store.rows("SELECT name, domain FROM outlets ORDER BY id"):
        yield {"type": "outlet", **row}
    for row in store.feeds():
        yield {"type": "feed", **{k: row[k] for k in FEED_FIELDS}}
    for row in _articles(store):
        yield {"type": "article", **row}
    for rows in _keyset(store, "SELECT id, " + ", ".join(FAILURE_FIELDS) + " FROM failures "
                        "WHERE id > :after ORDER BY id LIMIT :batch"):
        for row in rows:
            yield {"type": "failure", **{k: row[k] for k in FAILURE_FIELDS}}


def _articles(store: Store) -> Iterator[dict]:
    columns = ", ".join(f"a.{f}" for f in ARTICLE_FIELDS if f not in ("outlet", "feed_url"))
    sql = (f"SELECT a.id, {columns}, o.name AS outlet, f.url AS feed_url FROM articles a "
           "JOIN outlets o ON o.id = a.outlet_id LEFT JOIN feeds f ON f.id = a.feed_id "
           "WHERE a.id > :after ORDER BY a.id LIMIT :batch")
    for rows in _keyset(store, sql):
        for row in rows:
            yield {k: row[k] for k in ARTICLE_FIELDS}


def _keyset(store: Store, sql: str) -> Iterator[list[dict]]:
    """Batches of rows by increasing id: each batch one short query, no
    transaction held open while the output is written."""
    after = 0
    while rows := store.rows(sql, {"after": after, "batch": BATCH}):
        yield rows
        after = rows[-1]["id"]


def write_jsonl(store: Store, out: BinaryIO) -> dict[str, int]:
    """Write the export, UTF-8, to a binary stream; how many lines of each type."""
    counts: dict[str, int] = {}
    for record in records(store):
        # ensure_ascii=False keeps the file readable; json escapes "\n", so one record is one line.
        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode())
        counts[record["type"]] = counts.get(record["type"], 0) + 1
    counts.pop(FORMAT, None)
    return counts


def write_opml(store: Store, out: BinaryIO) -> int:
    """Write the feeds as an OPML 2.0 subscription list, grouped under their
    outlet; how many feeds."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "Storyline subscriptions"
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(timezone.utc))
    body = ElementTree.SubElement(root, "body")
    groups: dict[str, ElementTree.Element] = {}
    feeds = store.feeds()
    for feed in feeds:
        parent = body
        if feed["outlet"]:
            if feed["outlet"] not in groups:
                groups[feed["outlet"]] = ElementTree.SubElement(body, "outline", text=_xml(feed["outlet"]))
            parent = groups[feed["outlet"]]
        outline = {"type": "rss", "text": _xml(feed["title"] or feed["outlet"] or feed["url"]),
                   "xmlUrl": _xml(feed["url"])}
        if feed["title"]:
            outline["title"] = _xml(feed["title"])
        if feed["site_url"]:
            outline["htmlUrl"] = _xml(feed["site_url"])
        ElementTree.SubElement(parent, "outline", outline)
    ElementTree.indent(root)
    # ElementTree escapes &, <, > and quotes (and line breaks inside attributes).
    ElementTree.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    out.write(b"\n")
    return len(feeds)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
