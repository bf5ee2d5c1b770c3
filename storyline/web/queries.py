"""The reader's per-user queries that storyline.storage.accounts does not have:
lists of articles with the viewer's read and saved flags, unread counts of a
story, an outlet or a feed, and the implicit local user's CSRF token. Plain SQL
that runs on SQLite and PostgreSQL alike."""
from __future__ import annotations

from storyline.accounts import User, start_session
from storyline.storage import Store
from storyline.storage.derived import now

NOBODY = -1  # a user id no row has: an anonymous viewer's flags are all false

ARTICLE_FIELDS = ("a.id, a.url, o.name AS outlet, a.title, a.published, a.fetched, a.words, a.story_id, "
                  "a.duplicate_of, a.feed_id")
_READ = "EXISTS (SELECT 1 FROM article_state r WHERE r.user_id = :user AND r.article_id = a.id AND r.read = 1)"
_HIDDEN = ("(EXISTS (SELECT 1 FROM user_feeds f WHERE f.user_id = :user AND f.feed_id = a.feed_id AND f.hidden = 1) "
           "OR EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = :user AND m.kind = 'outlet' AND m.value = o.name))")


def _filters(user_id: int | None, outlet: str | None, feed_ids: list[int] | None,
             unread: bool) -> tuple[list[str], dict]:
    where: list[str] = []
    params: dict = {"user": user_id if user_id is not None else NOBODY}
    if outlet is not None:
        where.append("o.name = :outlet")
        params["outlet"] = outlet
    if feed_ids is not None:
        where.append("a.feed_id IN :feeds" if feed_ids else "1 = 0")
        if feed_ids:
            params["feeds"] = sorted(set(feed_ids))
    if unread:
        where.append(f"NOT {_READ}")
        if outlet is None and feed_ids is None:  # the whole river: what the user hid stays out of it
            where.append(f"NOT {_HIDDEN}")
    return where, params


def article_list(store: Store, user_id: int | None, *, outlet: str | None = None,
                 feed_ids: list[int] | None = None, unread: bool = False,
                 limit: int = 20, offset: int = 0) -> list[dict]:
    """Articles newest first by publication (undated ones last, newest id first),
    each with the user's `read` and `saved` flags."""
    where, params = _filters(user_id, outlet, feed_ids, unread)
    nulls = "NULLS LAST" if store.dialect == "postgresql" else ""  # SQLite's DESC puts NULL last already
    rows = store.rows(
        f"SELECT {ARTICLE_FIELDS}, s.read AS state_read, s.saved_at FROM articles a "
        "JOIN outlets o ON o.id = a.outlet_id "
        "LEFT JOIN article_state s ON s.user_id = :user AND s.article_id = a.id "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + f"ORDER BY a.published DESC {nulls}, a.id DESC LIMIT :limit OFFSET :offset",
        params | {"limit": limit, "offset": offset})
    return [_flagged(row) for row in rows]


def unread_count(store: Store, user_id: int, *, outlet: str | None = None,
                 feed_ids: list[int] | None = None) -> int:
    where, params = _filters(user_id, outlet, feed_ids, unread=True)
    return store.scalar("SELECT COUNT(*) FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE "
                        + " AND ".join(where), params)


def unread_total(store: Store, user_id: int) -> int:
    """Unread articles, leaving out hidden feeds and muted outlets (as unread_counts does)."""
    return store.unread_counts(user_id)["total"]


def unread_by_outlet_and_feed(store: Store, user_id: int) -> tuple[dict[str, int], dict[int, int]]:
    """({outlet: unread}, {feed id: unread}) over every article, hidden or not
    (the sources page lists every outlet and feed)."""
    names = {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM outlets")}
    outlets: dict[str, int] = {}
    feeds: dict[int, int] = {}
    for row in store.unread_by_key(user_id):
        name = names.get(row["outlet_id"])
        if name is not None:
            outlets[name] = outlets.get(name, 0) + row["unread"]
        if row["feed_id"] is not None:
            feeds[row["feed_id"]] = feeds.get(row["feed_id"], 0) + row["unread"]
    return outlets, feeds


def articles_by_ids(store: Store, user_id: int | None, ids: list[int]) -> list[dict]:
    """The articles with these ids, in the given order, with the user's flags."""
    if not ids:
        return []
    rows = store.rows(f"SELECT {ARTICLE_FIELDS}, s.read AS state_read, s.saved_at FROM articles a "
                      "JOIN outlets o ON o.id = a.outlet_id "
                      "LEFT JOIN article_state s ON s.user_id = :user AND s.article_id = a.id WHERE a.id IN :ids",
                      {"user": user_id if user_id is not None else NOBODY, "ids": sorted(set(ids))})
    found = {row["id"]: _flagged(row) for row in rows}
    return [found[i] for i in ids if i in found]


def _flagged(row: dict) -> dict:
    row["read"] = bool(row.pop("state_read") or 0)
    row["saved"] = row.pop("saved_at") is not None
    return row


def story_unread(store: Store, user_id: int, story_ids: list[int]) -> dict[int, int]:
    """{story id: how many of its articles the user has not read} (0 for a story read through)."""
    counts = {i: 0 for i in story_ids}
    ids = sorted(set(story_ids))
    for i in range(0, len(ids), 500):
        for row in store.rows(f"SELECT a.story_id, COUNT(*) AS n FROM articles a WHERE a.story_id IN :ids "
                              f"AND NOT {_READ} GROUP BY a.story_id", {"user": user_id, "ids": ids[i:i + 500]}):
            counts[row["story_id"]] = row["n"]
    return counts


def feed(store: Store, user_id: int | None, feed_id: int) -> dict | None:
    """One feed with the user's title and folder."""
    rows = store.rows(
        "SELECT f.id, f.url, COALESCE(u.title, f.title) AS title, f.site_url, u.folder, o.name AS outlet "
        "FROM feeds f LEFT JOIN user_feeds u ON u.feed_id = f.id AND u.user_id = :user "
        "LEFT JOIN outlets o ON o.id = f.outlet_id WHERE f.id = :id",
        {"user": user_id if user_id is not None else NOBODY, "id": feed_id})
    return rows[0] if rows else None


def folder_feeds(store: Store, user_id: int, folder: str) -> list[int]:
    return [r["feed_id"] for r in store.rows(
        "SELECT feed_id FROM user_feeds WHERE user_id = :user AND folder = :folder ORDER BY feed_id",
        {"user": user_id, "folder": folder})]


def outlet_exists(store: Store, name: str) -> bool:
    return bool(store.scalar("SELECT COUNT(*) FROM outlets WHERE name = :name", {"name": name}))


def outlet_names(store: Store) -> list[str]:
    return [r["name"] for r in store.rows("SELECT name FROM outlets ORDER BY name")]


def local_csrf(store: Store, user: User) -> str:
    """The CSRF token of the implicit local user: one standing session of that
    user (whose cookie nobody holds) keeps it, so every server process sharing
    the database puts the same token in its forms."""
    found = store.rows("SELECT csrf FROM sessions WHERE user_id = :user AND expires > :now "
                       "ORDER BY created, token_hash LIMIT 1", {"user": user.id, "now": now()})
    if found:
        return found[0]["csrf"]
    start_session(store, user, days=3650)
    return store.rows("SELECT csrf FROM sessions WHERE user_id = :user AND expires > :now "
                      "ORDER BY created, token_hash LIMIT 1", {"user": user.id, "now": now()})[0]["csrf"]
