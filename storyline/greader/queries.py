"""The Google Reader API's queries: pages of one user's articles and stories
by stream, their unread counts, the outlets whose articles came from no feed.
Plain SQL with `:name` parameters that runs on SQLite and PostgreSQL; every
query takes the user's id, so one user's state never leaks into another's.

What a user sees in the reading list: every article except those of feeds
they unsubscribed from (hidden), of outlets they muted, or whose title holds a
keyword they muted; and the stories of two or more independently written
articles (`stories.size` leaves near-copies out: a story of one report and its
syndicated copies is that report again), except those whose title holds a
muted keyword or whose articles all come from muted outlets. A story's time is
`stories.updated`, when an article last joined it.
"""
from __future__ import annotations

from dataclasses import dataclass

from storyline.greader.params import StreamQuery
from storyline.storage import Store
from storyline.storage.derived import now

CHUNK = 500
MIN_STORY_SIZE = 2


@dataclass(frozen=True)
class Hides:
    """What a user hides: feeds they unsubscribed from, outlets and keywords
    they muted (given to the queries as values, so rows are tested cheaply)."""
    feeds: tuple[int, ...] = ()
    outlets: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def hides(store: Store, user_id: int) -> Hides:
    mutes = store.mutes(user_id)
    feeds = [r["feed_id"] for r in store.rows("SELECT feed_id FROM user_feeds WHERE user_id = :user AND hidden = 1",
                                              {"user": user_id})]
    return Hides(tuple(feeds), tuple(mutes.get("outlet", [])), tuple(mutes.get("keyword", [])))


def _like(keyword: str) -> str:
    """A keyword for LIKE, its own % _ and \\ taken literally."""
    return keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _no_keyword(column: str, hidden: Hides, params: dict) -> list[str]:
    """`column` holds none of the muted keywords, case-insensitively (as the database lowers case)."""
    where = []
    for k, keyword in enumerate(hidden.keywords):
        params[f"keyword_{k}"] = _like(keyword)
        where.append(f"LOWER({column}) NOT LIKE '%' || LOWER(:keyword_{k}) || '%' ESCAPE '\\'")
    return where


def article_visible(hidden: Hides, params: dict) -> list[str]:
    where = []
    if hidden.feeds:
        where.append("(a.feed_id IS NULL OR a.feed_id NOT IN :hidden_feeds)")
        params["hidden_feeds"] = list(hidden.feeds)
    if hidden.outlets:
        where.append("o.name NOT IN :muted_outlets")
        params["muted_outlets"] = list(hidden.outlets)
    return where + _no_keyword("a.title", hidden, params)


def story_visible(hidden: Hides, params: dict) -> list[str]:
    where = [f"s.size >= {MIN_STORY_SIZE}"] + _no_keyword("s.title", hidden, params)
    if hidden.outlets:  # at least one article from an outlet the user did not mute
        where.append("EXISTS (SELECT 1 FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id = s.id "
                     "AND o.name NOT IN :muted_outlets)")
        params["muted_outlets"] = list(hidden.outlets)
    return where


ARTICLE_COLUMNS = (
    "a.id, a.url, a.title, a.author, a.published, a.fetched, a.feed_id, a.outlet_id, o.name AS outlet, "
    "o.domain AS outlet_domain, COALESCE(st.read, 0) AS read, st.saved_at"
)
ARTICLE_FROM = (
    "FROM articles a JOIN outlets o ON o.id = a.outlet_id "
    "LEFT JOIN article_state st ON st.user_id = :user AND st.article_id = a.id"
)
ARTICLE_STATES = {"read": "COALESCE(st.read, 0) = 1", "unread": "COALESCE(st.read, 0) = 0",
                  "starred": "st.saved_at IS NOT NULL"}
STORY_READ = "EXISTS (SELECT 1 FROM story_state ss WHERE ss.user_id = :user AND ss.story_id = s.id)"


def has_articles(query: StreamQuery) -> bool:
    kind = query.stream.kind
    return kind in ("reading-list", "starred", "read", "feed", "outlet", "label") \
        and not ("starred" in query.include and "starred" in query.exclude)


def has_stories(query: StreamQuery) -> bool:
    """Stories are never starred (only articles are saved)."""
    return query.stream.kind in ("reading-list", "read", "stories") and "starred" not in query.include


def _article_scope(store: Store, user_id: int, query: StreamQuery, feed_id: int | None, params: dict) -> list[str]:
    """The stream's own condition, then its filters."""
    kind, where = query.stream.kind, []
    if kind in ("reading-list", "feed", "outlet", "label"):
        where += article_visible(hides(store, user_id), params)
    if kind == "feed":
        where.append("a.feed_id = :feed")
        params["feed"] = feed_id
    elif kind == "outlet":
        where.append("a.feed_id IS NULL AND a.outlet_id = :outlet")
        params["outlet"] = query.stream.value
    elif kind == "label":
        where.append("a.feed_id IN (SELECT feed_id FROM user_feeds WHERE user_id = :user AND folder = :folder "
                     "AND hidden = 0)")
        params["folder"] = query.stream.value
    elif kind == "starred":
        where.append(ARTICLE_STATES["starred"])
    elif kind == "read":
        where.append(ARTICLE_STATES["read"])
    for state in query.include:
        where.append(ARTICLE_STATES[state])
    for state in query.exclude:
        where.append(f"NOT ({ARTICLE_STATES[state]})")
    return where + _time_bounds("a.fetched", query, params)


def _time_bounds(column: str, query: StreamQuery, params: dict) -> list[str]:
    """The stream's ot= and nt= limits on an item's time."""
    where = []
    if query.oldest:
        where.append(f"{column} >= :oldest")
        params["oldest"] = query.oldest
    if query.newest:
        where.append(f"{column} <= :newest")
        params["newest"] = query.newest
    return where


def article_page(store: Store, user_id: int, query: StreamQuery, feed_id: int | None, limit: int) -> list[dict]:
    """Up to `limit` articles of the stream after the cursor, newest added first
    (or oldest, with `ascending`), with this user's read and saved state."""
    params: dict = {"user": user_id, "limit": limit}
    where = _article_scope(store, user_id, query, feed_id, params)
    if query.cursor.article is not None:
        where.append("(a.fetched, a.id) > (:after_fetched, :after_id)" if query.ascending
                     else "(a.fetched, a.id) < (:after_fetched, :after_id)")
        params["after_fetched"], params["after_id"] = query.cursor.article
    order = "ASC" if query.ascending else "DESC"
    return store.rows(f"SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE {' AND '.join(where) or '1 = 1'} "
                      f"ORDER BY a.fetched {order}, a.id {order} LIMIT :limit", params)


def articles_by_id(store: Store, user_id: int, ids: list[int]) -> dict[int, dict]:
    found: dict[int, dict] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), CHUNK):
        for row in store.rows(f"SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.id IN :ids",
                              {"user": user_id, "ids": unique[i:i + CHUNK]}):
            found[row["id"]] = row
    return found


def article_texts(store: Store, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), CHUNK):
        for row in store.rows("SELECT id, text FROM articles WHERE id IN :ids", {"ids": unique[i:i + CHUNK]}):
            found[row["id"]] = row["text"]
    return found


def existing(store: Store, table: str, ids: list[int]) -> list[int]:
    """Which of these ids are rows of `table` (articles or stories)."""
    assert table in ("articles", "stories")
    found: list[int] = []
    unique = sorted(set(ids))
    for i in range(0, len(unique), CHUNK):
        found += [r["id"] for r in store.rows(f"SELECT id FROM {table} WHERE id IN :ids", {"ids": unique[i:i + CHUNK]})]
    return found


# -- stories ------------------------------------------------------------------------------

def _story_scope(store: Store, user_id: int, query: StreamQuery, params: dict) -> list[str]:
    where = story_visible(hides(store, user_id), params)
    states = set(query.include) | ({"read"} if query.stream.kind == "read" else set())
    if "read" in states:
        where.append(STORY_READ)
    if "unread" in states or "read" in query.exclude:
        where.append(f"NOT {STORY_READ}")
    if "unread" in query.exclude:
        where.append(STORY_READ)
    return where + _time_bounds("s.updated", query, params)


def story_page(store: Store, user_id: int, query: StreamQuery, limit: int, details: bool = True) -> list[dict]:
    """Up to `limit` stories after the cursor, newest first (by id: a story's id
    never changes, its time does as it grows), with whether this user read it
    (and, with `details`, their articles' count and first times)."""
    params: dict = {"user": user_id, "limit": limit}
    where = _story_scope(store, user_id, query, params)
    if query.cursor.story is not None:
        where.append("s.id > :after_story" if query.ascending else "s.id < :after_story")
        params["after_story"] = query.cursor.story
    order = "ASC" if query.ascending else "DESC"
    rows = store.rows(f"SELECT s.id, s.title, s.updated AS last_added FROM stories s WHERE {' AND '.join(where)} "
                      f"ORDER BY s.id {order} LIMIT :limit", params)
    return _with_details(store, user_id, rows, details)


def stories_by_id(store: Store, user_id: int, ids: list[int]) -> dict[int, dict]:
    """The stories with these ids that are offered as items."""
    rows: list[dict] = []
    unique = sorted(set(ids))
    for i in range(0, len(unique), CHUNK):
        rows += store.rows(f"SELECT s.id, s.title, s.updated AS last_added FROM stories s WHERE s.id IN :ids "
                           f"AND s.size >= {MIN_STORY_SIZE}", {"ids": unique[i:i + CHUNK]})
    return {row["id"]: row for row in _with_details(store, user_id, rows)}


def _with_details(store: Store, user_id: int, rows: list[dict], wanted: bool = True) -> list[dict]:
    """The stories with their articles' count and first times, and whether this user read them."""
    ids = [r["id"] for r in rows]
    details: dict[int, dict] = {}
    for i in range(0, len(ids) if wanted else 0, CHUNK):
        for d in store.rows("SELECT story_id, COUNT(*) AS articles, MIN(published) AS first_published, "
                            "MIN(fetched) AS first_added FROM articles WHERE story_id IN :ids GROUP BY story_id",
                            {"ids": ids[i:i + CHUNK]}):
            details[d["story_id"]] = d
    read = store.stories_read(user_id, ids)
    empty = {"articles": 0, "first_published": None, "first_added": None}
    for row in rows:
        detail = details.get(row["id"], empty)
        row.update(articles=detail["articles"], first_published=detail["first_published"],
                   first_added=detail["first_added"], read=row["id"] in read)
    return rows


def unread_stories(store: Store, user_id: int, before: str | None = None) -> list[int]:
    """The stories of the stories stream this user has not read (changed up to `before`)."""
    params: dict = {"user": user_id}
    where = story_visible(hides(store, user_id), params) + [f"NOT {STORY_READ}"]
    if before:
        where.append("s.updated <= :before")
        params["before"] = before
    return [r["id"] for r in store.rows(f"SELECT s.id FROM stories s WHERE {' AND '.join(where)} ORDER BY s.id",
                                        params)]


def mark_stories_read(store: Store, user_id: int, story_ids: list[int]) -> None:
    """storyline.storage.accounts' read_story for many stories at once: each
    story, and each of its articles, read."""
    ids = sorted(set(story_ids))
    stamp = now()
    with store.transaction() as db:
        db.executemany("INSERT INTO story_state (user_id, story_id, read_at) VALUES (:user, :story, :now) "
                       "ON CONFLICT (user_id, story_id) DO UPDATE SET read_at = excluded.read_at",
                       [{"user": user_id, "story": i, "now": stamp} for i in ids])
        for i in range(0, len(ids), CHUNK):
            db.execute(
                "INSERT INTO article_state (user_id, article_id, read, read_at) "
                "SELECT :user, a.id, 1, :now FROM articles a WHERE a.story_id IN :ids AND NOT EXISTS "
                "(SELECT 1 FROM article_state s WHERE s.user_id = :user AND s.article_id = a.id AND s.read = 1) "
                "ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1, read_at = excluded.read_at",
                {"user": user_id, "now": stamp, "ids": ids[i:i + CHUNK]})


# -- counts and subscriptions ---------------------------------------------------------------

def unread_counts(store: Store, user_id: int) -> list[dict]:
    """Unread articles the user sees, per feed (feed_id) or, for articles that
    came from no feed, per outlet (outlet_id), with the newest one's added time.
    It reads every article row: about 0.1-0.3 s for 100,000 (no index holds feed_id)."""
    params: dict = {"user": user_id}
    where = ["COALESCE(st.read, 0) = 0"] + article_visible(hides(store, user_id), params)
    return store.rows(
        "SELECT a.feed_id, CASE WHEN a.feed_id IS NULL THEN a.outlet_id END AS outlet_id, COUNT(*) AS n, "
        f"MAX(a.fetched) AS newest {ARTICLE_FROM} WHERE {' AND '.join(where)} "
        "GROUP BY a.feed_id, CASE WHEN a.feed_id IS NULL THEN a.outlet_id END", params)


def unread_story_count(store: Store, user_id: int) -> tuple[int, str | None]:
    params: dict = {"user": user_id}
    where = story_visible(hides(store, user_id), params) + [f"NOT {STORY_READ}"]
    row = store.rows(f"SELECT COUNT(*) AS n, MAX(s.updated) AS newest FROM stories s WHERE {' AND '.join(where)}",
                     params)[0]
    return row["n"], row["newest"]


def feedless_outlets(store: Store, user_id: int) -> list[dict]:
    """Outlets (not muted by the user) with articles that came from no feed:
    files, article URLs, imports. Each is offered as a feed of its own."""
    return store.rows(
        "SELECT o.id, o.name, o.domain FROM outlets o WHERE EXISTS "
        "(SELECT 1 FROM articles a WHERE a.outlet_id = o.id AND a.feed_id IS NULL) AND NOT EXISTS "
        "(SELECT 1 FROM mutes m WHERE m.user_id = :user AND m.kind = 'outlet' AND m.value = o.name) ORDER BY o.name",
        {"user": user_id})


def outlet(store: Store, outlet_id: int) -> dict | None:
    found = store.rows("SELECT id, name, domain FROM outlets WHERE id = :id", {"id": outlet_id})
    return found[0] if found else None


def unread_feedless(store: Store, user_id: int, outlet_id: int, before: str) -> list[int]:
    """The unread articles of an outlet that came from no feed, added up to `before`."""
    return [r["id"] for r in store.rows(
        "SELECT a.id FROM articles a WHERE a.feed_id IS NULL AND a.outlet_id = :outlet AND a.fetched <= :before "
        "AND NOT EXISTS (SELECT 1 FROM article_state s WHERE s.user_id = :user AND s.article_id = a.id AND s.read = 1)",
        {"user": user_id, "outlet": outlet_id, "before": before})]
