"""The viewer's own lists and state as pages: unread and saved articles, one
outlet's, feed's or folder's articles, and the forms that mark read or unread,
save, mark all read before the page's time, and file a feed in a folder.

Every form carries the CSRF token and works without script: it answers with a
redirect (303) back to where it came from, or with JSON when the page's script
asks for it (Accept: application/json)."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from storyline.api import ApiError, ArticleId, StoryId
from storyline.api.state import FeedId, parse_moment
from storyline.web import identity, queries
from storyline.web.pages import MAX_PAGE, open_pager, page, reader_of
from storyline.web.reader import PER_PAGE

router = APIRouter(include_in_schema=False, dependencies=[Depends(identity.gate)])

Field = Annotated[str, Form(max_length=500)]
Csrf = Annotated[str, Form(max_length=200)]
PageNo = Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)]
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None, default: str) -> str:
    """Where a form goes back to: a path on this server, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE.search(target) \
            and len(target) <= 500:
        return target
    return default


def done(request: Request, target: str | None, default: str, result: dict) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(result, headers={"Cache-Control": "no-store"})
    return RedirectResponse(safe_next(target, default), status_code=303)


def _store(request: Request):
    return reader_of(request).store()


def _article(request: Request, user_id: int, article_id: int) -> dict:
    found = queries.articles_by_ids(_store(request), user_id, [article_id])
    if not found:
        raise ApiError(404, f"no article with id {article_id}")
    return found[0]


# -- state changes ----------------------------------------------------------------------------------

def _set_flag(request: Request, article_id: int, csrf: str, next: str, flag: str, value: bool):
    """Set the user's read or saved flag of one article, then back to the page (or its flags as JSON)."""
    user = identity.state_writer(request, csrf)
    _article(request, user.id, article_id)
    store = _store(request)
    setter = store.set_read if flag == "read" else store.set_saved
    setter(user.id, [article_id], value)
    flags = _article(request, user.id, article_id)
    return done(request, next, f"/articles/{article_id}",
                {"id": article_id, "read": flags["read"], "saved": flags["saved"]})


@router.post("/articles/{article_id}/read")
def article_read(request: Request, article_id: ArticleId, csrf: Csrf = "", read: Field = "1", next: Field = ""):
    return _set_flag(request, article_id, csrf, next, "read", read != "0")


@router.post("/articles/{article_id}/saved")
def article_saved(request: Request, article_id: ArticleId, csrf: Csrf = "", saved: Field = "1", next: Field = ""):
    return _set_flag(request, article_id, csrf, next, "saved", saved != "0")


@router.post("/stories/{story_id}/read")
def story_read(request: Request, story_id: StoryId, csrf: Csrf = "", read: Field = "1", next: Field = ""):
    """Marking a story unread goes back to the list (opening it would mark it read again)."""
    user = identity.state_writer(request, csrf)
    store = _store(request)
    if not store.scalar("SELECT COUNT(*) FROM stories WHERE id = :id", {"id": story_id}):
        raise ApiError(404, f"no story with id {story_id}")
    if read != "0":
        store.read_story(user.id, story_id)
    else:
        store.unread_story(user.id, story_id)
    unread = queries.story_unread(store, user.id, [story_id])[story_id]
    return done(request, next, f"/#story-{story_id}", {"id": story_id, "read": unread == 0, "unread": unread})


@router.post("/mark-all-read")
def mark_all_read(request: Request, csrf: Csrf = "", before: Field = "", outlet: Field = "", feed: Field = "",
                  folder: Field = "", next: Field = ""):
    """Everything stored up to `before` (the time the page was made: what came
    in since stays unread), of one outlet, feed or folder when given."""
    user = identity.state_writer(request, csrf)
    try:
        moment = parse_moment(before) if before else None
    except ValueError as exc:
        raise ApiError(422, f"before: {exc}") from None
    store = _store(request)
    if folder:
        marked = sum(store.mark_all_read(user.id, moment, feed_id=f)
                     for f in queries.folder_feeds(store, user.id, folder))
    elif feed:
        known = feed.isascii() and feed.isdigit() and len(feed) <= 18
        if not known or queries.feed(store, user.id, int(feed)) is None:
            raise ApiError(404, "no such feed")
        marked = store.mark_all_read(user.id, moment, feed_id=int(feed))
    else:
        marked = store.mark_all_read(user.id, moment, outlet=outlet or None)
    return done(request, next, "/", {"marked": marked, "before": moment})


@router.post("/feeds/{feed_id}/folder")
def feed_folder(request: Request, feed_id: FeedId, csrf: Csrf = "",
                folder: Annotated[str, Form(max_length=100)] = "", next: Field = ""):
    user = identity.state_writer(request, csrf)
    store = _store(request)
    if queries.feed(store, user.id, feed_id) is None:
        raise ApiError(404, f"no feed with id {feed_id}")
    name = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", folder).split()) or None
    store.set_feed_prefs(user.id, feed_id, folder=name)
    return done(request, next, f"/sources#feed-{feed_id}", {"id": feed_id, "folder": name})


# -- lists ----------------------------------------------------------------------------------------

def _river(request: Request, *, title: str, page_no: int, rows: list[dict], scope: dict | None,
           unread: int | None, unread_only: bool | None, params: dict | None = None) -> Response:
    """A page of articles (fetched one more than shown, to know whether more follow)."""
    more = len(rows) > PER_PAGE
    if page_no > 1 and not rows:
        raise ApiError(404, "no such page")
    return page(request, "river.html", title=title, articles=rows[:PER_PAGE], scope=scope, unread=unread,
                unread_only=unread_only, pager=open_pager(request, page_no, more, **(params or {})))


def _offset(page_no: int) -> int:
    return (page_no - 1) * PER_PAGE


@router.get("/unread", response_class=Response)
def unread_page(request: Request, page_no: PageNo = 1):
    user = identity.require_user(request)
    store = _store(request)
    rows = queries.article_list(store, user.id, unread=True, limit=PER_PAGE + 1, offset=_offset(page_no))
    return _river(request, title="Unread", page_no=page_no, rows=rows, scope={},
                  unread=queries.unread_total(store, user.id), unread_only=None)


@router.get("/saved", response_class=Response)
def saved_page(request: Request, page_no: PageNo = 1):
    user = identity.require_user(request)
    store = _store(request)
    ids = store.saved(user.id, limit=PER_PAGE + 1, offset=_offset(page_no))
    return _river(request, title="Saved", page_no=page_no, rows=queries.articles_by_ids(store, user.id, ids),
                  scope=None, unread=None, unread_only=None)


def _scoped(request: Request, *, title: str, page_no: int, unread: bool, scope: dict, outlet: str | None = None,
            feed_ids: list[int] | None = None) -> Response:
    user = identity.viewer(request).user
    store = _store(request)
    user_id = user.id if user is not None else None
    rows = queries.article_list(store, user_id, outlet=outlet, feed_ids=feed_ids, unread=unread and user is not None,
                                limit=PER_PAGE + 1, offset=_offset(page_no))
    count = queries.unread_count(store, user.id, outlet=outlet, feed_ids=feed_ids) if user is not None else None
    return _river(request, title=title, page_no=page_no, rows=rows, scope=scope, unread=count,
                  unread_only=unread if user is not None else None, params={"unread": 1 if unread else None})


@router.get("/outlets/{name:path}", response_class=Response)
def outlet_page(request: Request, name: Annotated[str, Path(max_length=200)], page_no: PageNo = 1,
                unread: bool = False):
    if not queries.outlet_exists(_store(request), name):
        raise ApiError(404, f"no outlet {name!r}")
    return _scoped(request, title=name, page_no=page_no, unread=unread, scope={"outlet": name}, outlet=name)


@router.get("/feeds/{feed_id}", response_class=Response)
def feed_page(request: Request, feed_id: FeedId, page_no: PageNo = 1, unread: bool = False):
    user = identity.viewer(request).user
    found = queries.feed(_store(request), user.id if user is not None else None, feed_id)
    if found is None:
        raise ApiError(404, f"no feed with id {feed_id}")
    return _scoped(request, title=found["title"] or found["url"], page_no=page_no, unread=unread,
                   scope={"feed": feed_id, "feed_url": found["url"], "folder": found["folder"]}, feed_ids=[feed_id])


@router.get("/folders/{name:path}", response_class=Response)
def folder_page(request: Request, name: Annotated[str, Path(max_length=100)], page_no: PageNo = 1,
                unread: bool = False):
    user = identity.require_user(request)
    feed_ids = queries.folder_feeds(_store(request), user.id, name)
    if not feed_ids:
        raise ApiError(404, f"you have no folder {name!r}")
    return _scoped(request, title=name, page_no=page_no, unread=unread, scope={"folder": name}, feed_ids=feed_ids)
