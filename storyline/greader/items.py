"""Items as Google Reader clients read them: articles (their text as escaped
paragraphs) and stories (the brief, each sentence followed by links to the
articles that state it, then the sources), all HTML passed through the
reader's sanitizer."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from storyline.greader import ids
from storyline.greader.params import epoch
from storyline.web.sanitize import paragraphs_html, safe_http_url, sanitize_html

STORIES_TITLE = "Storyline: stories"


@dataclass
class Origin:
    stream: str
    title: str
    html_url: str
    folder: str | None = None


@dataclass
class Item:
    """One item, ready for JSON or Atom."""
    ref: ids.ItemRef
    title: str
    url: str
    added: int  # epoch seconds: when it came in (crawl time)
    published: int
    author: str
    origin: Origin
    read: bool
    starred: bool
    html: str = ""

    def categories(self) -> list[str]:
        found = [ids.READING_LIST]
        if self.origin.folder:
            found.append(ids.label_stream(self.origin.folder))
        if self.read:
            found.append(ids.READ)
        if self.starred:
            found.append(ids.STARRED)
        return found

    def json(self) -> dict:
        links = [{"href": self.url}] if self.url else []
        return {
            "id": ids.long_id(self.ref),
            "crawlTimeMsec": str(self.added * 1000),
            "timestampUsec": str(self.added * 1_000_000),
            "published": self.published,
            "updated": self.published,
            "title": self.title,
            "canonical": links,
            "alternate": [dict(link, type="text/html") for link in links],
            "summary": {"direction": "ltr", "content": self.html},
            "author": self.author,
            "origin": {"streamId": self.origin.stream, "title": self.origin.title, "htmlUrl": self.origin.html_url},
            "categories": self.categories(),
        }


def outlet_home(domain: str | None) -> str:
    return f"https://{domain}/" if domain and all(c.isalnum() or c in ".-" for c in domain) else ""


class Origins:
    """Where each article comes from, as this user names and files it."""

    def __init__(self, feeds: list[dict]):
        self.feeds = {f["id"]: f for f in feeds}

    def of(self, row: dict) -> Origin:
        feed = self.feeds.get(row["feed_id"]) if row["feed_id"] is not None else None
        if feed is not None:
            return Origin(ids.feed_stream(feed["url"]), feed_title(feed), safe_http_url(feed["site_url"]) or "",
                          feed["folder"])
        return Origin(ids.outlet_stream(row["outlet_id"]), row["outlet"], outlet_home(row.get("outlet_domain")))


def feed_title(feed: dict) -> str:
    return feed["title"] or feed.get("outlet") or feed["url"]


def article_item(row: dict, origins: Origins, text: str | None = None) -> Item:
    added = epoch(row["fetched"]) or 0
    return Item(ids.ItemRef("article", row["id"]), row["title"] or "", safe_http_url(row["url"]) or "", added,
                epoch(row["published"]) or added, row["author"] or "", origins.of(row), bool(row["read"]),
                row["saved_at"] is not None, paragraphs_html(text) if text is not None else "")


def stories_origin(base: str) -> Origin:
    return Origin(ids.STORIES_FEED, STORIES_TITLE, base + "/")


def story_item(row: dict, base: str, brief: dict | None = None, members: list[dict] | None = None) -> Item:
    added = epoch(row["last_added"]) or 0
    html = story_html(row, brief, members or [], base) if brief is not None else ""
    return Item(ids.ItemRef("story", row["id"]), row["title"] or "(untitled story)", f"{base}/stories/{row['id']}",
                added, epoch(row["first_published"]) or epoch(row["first_added"]) or added, "Storyline",
                stories_origin(base), bool(row["read"]), False, html)


def story_html(row: dict, brief: dict, members: list[dict], base: str) -> str:
    """The brief with its citations as numbered links to the articles, then the
    numbered sources and a link to the story in Storyline."""
    number = {m["id"]: k for k, m in enumerate(members, 1)}

    def link(article_id: int) -> str:
        member = next(m for m in members if m["id"] == article_id)
        return safe_http_url(member["url"]) or f"{base}/articles/{article_id}"

    sentences = []
    for sentence in brief.get("sentences") or []:
        cites = "".join(f'<a href="{escape(link(a))}">[{number[a]}]</a>'
                        for a in sentence.get("citations") or [] if a in number)
        sentences.append(escape(sentence["text"], quote=False) + (f" {cites}" if cites else ""))
    outlets = sorted({m["outlet"] for m in members})
    parts = [f"<p>{' '.join(sentences)}</p>" if sentences else "",
             f"<p><em>{row['articles']} articles from {len(outlets)} "
             f"outlet{'s' if len(outlets) != 1 else ''}: {escape(', '.join(outlets), quote=False)}</em></p>",
             "<h3>Sources</h3><ol>",
             *(f'<li><a href="{escape(link(m["id"]))}">{escape(m["outlet"], quote=False)}: '
               f'{escape(m["title"] or "", quote=False)}</a></li>' for m in members),
             f'</ol><p><a href="{escape(base)}/stories/{row["id"]}">The story in Storyline</a></p>']
    return sanitize_html("".join(parts))
