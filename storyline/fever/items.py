"""Fever items: one user's articles (an item's id is the article's id), 50 a
call, paged by id, and the ids of their unread and saved ones.

What the items and unread ids cover is what the user's reading list covers in
the Google Reader API (storyline.greader.queries): every article but those of
feeds they hid, of outlets they muted, or whose title holds a keyword they
muted. Items asked for by id (`with_ids`) and saved ids are any of the user's
articles, as Google Reader's starred stream is, so a saved article stays
reachable after its feed is hidden.
"""
from __future__ import annotations

from storyline.fever.sources import item_feed_id
from storyline.greader import queries
from storyline.greader.params import epoch
from storyline.storage import Store
from storyline.web.sanitize import paragraphs_html, safe_http_url

PAGE = 50  # items a call, as Fever serves them


def _visible(store: Store, user_id: int, params: dict) -> list[str]:
    return queries.article_visible(queries.hides(store, user_id), params)


def _where(conditions: list[str]) -> str:
    return " AND ".join(conditions) or "1 = 1"


def page(store: Store, user_id: int, *, since_id: int | None = None, max_id: int | None = None) -> list[dict]:
    """Up to PAGE articles: after `since_id` oldest first, else before `max_id`
    (0: from the newest) newest first, else the oldest."""
    params: dict = {"user": user_id, "limit": PAGE}
    where = _visible(store, user_id, params)
    order = "ASC"
    if since_id is None and max_id is not None:
        order = "DESC"
        if max_id > 0:
            where.append("a.id < :max_id")
            params["max_id"] = max_id
    elif since_id:
        where.append("a.id > :since_id")
        params["since_id"] = since_id
    return store.rows(f"SELECT {queries.ARTICLE_COLUMNS} {queries.ARTICLE_FROM} WHERE {_where(where)} "
                      f"ORDER BY a.id {order} LIMIT :limit", params)


def with_ids(store: Store, user_id: int, ids: list[int]) -> list[dict]:
    found = queries.articles_by_id(store, user_id, ids[:PAGE])
    return [found[i] for i in sorted(found)]


def total(store: Store, user_id: int) -> int:
    params: dict = {"user": user_id}
    where = _visible(store, user_id, params)
    return store.scalar(f"SELECT COUNT(*) {queries.ARTICLE_FROM} WHERE {_where(where)}", params)


def unread_ids(store: Store, user_id: int) -> str:
    params: dict = {"user": user_id}
    where = ["COALESCE(st.read, 0) = 0"] + _visible(store, user_id, params)
    return ",".join(str(r["id"]) for r in store.rows(
        f"SELECT a.id {queries.ARTICLE_FROM} WHERE {_where(where)} ORDER BY a.id", params))


def saved_ids(store: Store, user_id: int) -> str:
    return ",".join(str(r["article_id"]) for r in store.rows(
        "SELECT article_id FROM article_state WHERE user_id = :user AND saved_at IS NOT NULL ORDER BY article_id",
        {"user": user_id}))


def items_json(store: Store, rows: list[dict]) -> list[dict]:
    """Fever item objects; html is the article's text as sanitized paragraphs."""
    texts = queries.article_texts(store, [r["id"] for r in rows])
    found = []
    for row in rows:
        added = epoch(row["fetched"]) or 0
        found.append({"id": row["id"], "feed_id": item_feed_id(row), "title": row["title"] or "",
                      "author": row["author"] or "", "html": paragraphs_html(texts.get(row["id"]) or ""),
                      "url": safe_http_url(row["url"]) or "", "is_saved": int(row["saved_at"] is not None),
                      "is_read": int(bool(row["read"])), "created_on_time": epoch(row["published"]) or added})
    return found
