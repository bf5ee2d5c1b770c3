"""One page of a stream: the articles and the stories it holds, each paged
on its own (articles by added time and id, stories by id) and merged by
time, so a continuation never skips or repeats an item whatever arrives
between two pages."""
from __future__ import annotations

from dataclasses import dataclass

from storyline.greader import ids, queries
from storyline.greader.items import STORIES_TITLE, Item, Origins, article_item, feed_title, outlet_home, story_item
from storyline.greader.params import Cursor, StreamQuery, epoch
from storyline.storage import Store
from storyline.web.sanitize import safe_http_url


@dataclass
class Page:
    items: list[Item]
    continuation: str | None


def feed_of(store: Store, user_id: int, stream: ids.Stream) -> dict | None:
    """The user's view of the feed a feed/URL stream names (None: no such feed)."""
    row = store.feed(stream.value)
    if row is None:
        return None
    return next((f for f in store.user_feeds(user_id, include_hidden=True) if f["id"] == row["id"]), None)


def stream_title(store: Store, user_id: int, stream: ids.Stream) -> tuple[str, str]:
    """(title, HTML address) of a stream, for stream/contents and Atom."""
    if stream.kind == "feed":
        feed = feed_of(store, user_id, stream)
        return (feed_title(feed), safe_http_url(feed["site_url"]) or "") if feed else (stream.value, "")
    if stream.kind == "outlet":
        row = queries.outlet(store, stream.value)
        return (row["name"], outlet_home(row["domain"])) if row else (stream.id, "")
    if stream.kind == "stories":
        return STORIES_TITLE, ""
    if stream.kind == "label":
        return stream.value, ""
    return {"reading-list": "Reading list", "starred": "Starred", "read": "Read"}.get(stream.kind, stream.id), ""


def page(store: Store, user_id: int, query: StreamQuery, *, base: str, contents: bool = False,
         brief=None) -> Page:
    """The next `query.count` items; with `contents`, their HTML too (`brief(story_id)`
    gives a story's brief)."""
    feed_id = None
    if query.stream.kind == "feed":
        feed = feed_of(store, user_id, query.stream)
        if feed is None:
            return Page([], None)
        feed_id = feed["id"]
    wanted = query.count + 1
    articles, stories = [], []
    if queries.has_articles(query):
        articles = queries.article_page(store, user_id, query, feed_id, wanted)
    if queries.has_stories(query):
        stories = queries.story_page(store, user_id, query, wanted, details=contents)
    chosen = _merge([("article", r, epoch(r["fetched"]) or 0) for r in articles],
                    [("story", r, epoch(r["last_added"]) or 0) for r in stories], query.count, query.ascending)
    cursor = Cursor(query.cursor.article, query.cursor.story)
    for kind, row in chosen:
        if kind == "article":
            cursor.article = (row["fetched"], row["id"])
        else:
            cursor.story = row["id"]
    items = build(store, user_id, chosen, base=base, contents=contents, brief=brief)
    return Page(items, cursor.encode() if len(articles) + len(stories) > len(chosen) else None)


def _merge(first: list[tuple], second: list[tuple], count: int, ascending: bool) -> list[tuple[str, dict]]:
    """Up to `count` items of two pages, each in its own order, by time: what
    is taken from each page is always a beginning of it, so each page's
    cursor can move to the last item taken from it."""
    taken: list[tuple[str, dict]] = []
    i = j = 0
    while len(taken) < count and (i < len(first) or j < len(second)):
        if j >= len(second):
            pick_first = True
        elif i >= len(first):
            pick_first = False
        else:
            pick_first = first[i][2] <= second[j][2] if ascending else first[i][2] >= second[j][2]
        kind, row, _ = first[i] if pick_first else second[j]
        taken.append((kind, row))
        i, j = (i + 1, j) if pick_first else (i, j + 1)
    return taken


def build(store: Store, user_id: int, rows: list[tuple[str, dict]], *, base: str, contents: bool,
          brief=None) -> list[Item]:
    origins = Origins(store.user_feeds(user_id, include_hidden=True))
    texts = queries.article_texts(store, [r["id"] for k, r in rows if k == "article"]) if contents else {}
    items = []
    for kind, row in rows:
        if kind == "article":
            items.append(article_item(row, origins, texts.get(row["id"]) if contents else None))
        elif contents:
            items.append(story_item(row, base, brief(row["id"]), store.story_articles(row["id"])))
        else:
            items.append(story_item(row, base))
    return items


def by_refs(store: Store, user_id: int, refs: list[ids.ItemRef], *, base: str, brief) -> list[Item]:
    """The items with these ids, in the order asked, each once; unknown ids are left out."""
    articles = queries.articles_by_id(store, user_id, [r.id for r in refs if r.kind == "article"])
    stories = queries.stories_by_id(store, user_id, [r.id for r in refs if r.kind == "story"])
    rows, seen = [], set()
    for ref in refs:
        found = (articles if ref.kind == "article" else stories).get(ref.id)
        if found is not None and ref not in seen:
            seen.add(ref)
            rows.append((ref.kind, found))
    return build(store, user_id, rows, base=base, contents=True, brief=brief)
