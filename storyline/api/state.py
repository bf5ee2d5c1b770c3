"""The caller's own state in the JSON API: read and saved articles, stories
read, mark-all-read before a time, unread counts, feeds with the caller's
folders, muted keywords and outlets, and the caller's API tokens.

Every route acts for the caller alone (the user of the session or API token,
or the local user of a server without accounts); nothing here takes a user id.
Writes with a session need its CSRF token (`X-CSRF-Token`); writes with an API
token need none.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from storyline import accounts
from storyline.api import (ApiError, ArticleId, Cursor, Limit, StoryId, article_item, decode_cursor, encode_cursor,
                           json_response, read_json_body)
from storyline.web import queries
from storyline.web.identity import require_user, state_writer, viewer

router = APIRouter(tags=["your state"])

MUTE_KINDS = ("keyword", "outlet")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FeedId = Annotated[int, Path(ge=1, le=2 ** 63 - 1, description="a feed id")]


def parse_moment(text: str) -> str:
    """An ISO 8601 moment as stored timestamps are written (UTC, to the second);
    ValueError for anything else. A moment without a zone is taken as UTC."""
    text = (text or "").strip()
    if not 10 <= len(text) <= 40:
        raise ValueError(f"not an ISO 8601 time: {text[:40]!r}")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def mute_value(kind: str, value: str) -> str:
    """A muted keyword or outlet as kept: trimmed, one line, at most 200 characters."""
    value = " ".join(_CONTROL.sub(" ", value or "").split())
    if kind not in MUTE_KINDS:
        raise ValueError(f"kind is one of {', '.join(MUTE_KINDS)}")
    if not value or len(value) > 200:
        raise ValueError("give a keyword or outlet of 1 to 200 characters")
    return value


def _has_body(request: Request) -> bool:
    return request.headers.get("content-length") not in (None, "0") or "transfer-encoding" in request.headers


def _store(request: Request):
    return request.app.state.reader.store()


def _article_or_404(request: Request, user_id: int, article_id: int) -> dict:
    found = queries.articles_by_ids(_store(request), user_id, [article_id])
    if not found:
        raise ApiError(404, f"no article with id {article_id}")
    return found[0]


def _flags(request: Request, user_id: int, article_id: int) -> Response:
    row = _article_or_404(request, user_id, article_id)
    return json_response(request, {"id": article_id, "read": row["read"], "saved": row["saved"]})


# -- who -------------------------------------------------------------------------------------

@router.get("/me", summary="The caller: user name, role, and the CSRF token a session's writes carry")
def me(request: Request):
    user = require_user(request)
    seen = viewer(request)
    return json_response(request, {"name": user.name, "role": user.role, "via": seen.via,
                                   "csrf": seen.csrf if seen.via in ("session", "local") else None,
                                   "local": seen.via == "local"})


# -- read and saved ----------------------------------------------------------------------------

def _set_flag(request: Request, article_id: int, flag: str, value: bool) -> Response:
    """Set the caller's read or saved flag of one article; the article's flags after it."""
    user = state_writer(request)
    _article_or_404(request, user.id, article_id)
    store = _store(request)
    setter = store.set_read if flag == "read" else store.set_saved
    setter(user.id, [article_id], value)
    return _flags(request, user.id, article_id)


@router.post("/articles/{article_id}/read", summary="Mark an article read")
def article_read(request: Request, article_id: ArticleId):
    return _set_flag(request, article_id, "read", True)


@router.delete("/articles/{article_id}/read", summary="Mark an article unread")
def article_unread(request: Request, article_id: ArticleId):
    return _set_flag(request, article_id, "read", False)


@router.post("/articles/{article_id}/saved", summary="Save an article")
def article_save(request: Request, article_id: ArticleId):
    return _set_flag(request, article_id, "saved", True)


@router.delete("/articles/{article_id}/saved", summary="Unsave an article")
def article_unsave(request: Request, article_id: ArticleId):
    return _set_flag(request, article_id, "saved", False)


def _story_state(request: Request, user_id: int, story_id: int, read: bool | None) -> Response:
    store = _store(request)
    if not store.scalar("SELECT COUNT(*) FROM stories WHERE id = :id", {"id": story_id}):
        raise ApiError(404, f"no story with id {story_id}")
    if read is True:
        store.read_story(user_id, story_id)
    elif read is False:
        store.unread_story(user_id, story_id)
    unread = queries.story_unread(store, user_id, [story_id])[story_id]
    return json_response(request, {"id": story_id, "read": unread == 0, "unread": unread})


@router.post("/stories/{story_id}/read", summary="Mark a story and its articles read")
def story_read(request: Request, story_id: StoryId):
    return _story_state(request, state_writer(request).id, story_id, True)


@router.delete("/stories/{story_id}/read", summary="Mark a story and its articles unread")
def story_unread(request: Request, story_id: StoryId):
    return _story_state(request, state_writer(request).id, story_id, False)


class MarkAllIn(BaseModel):
    """Mark read every article stored up to `before` (default: now), of one feed, outlet or story if given."""
    model_config = ConfigDict(extra="forbid")
    before: str | None = Field(None, max_length=40, description="ISO 8601; articles added later stay unread")
    feed: int | None = Field(None, ge=1, le=2 ** 63 - 1)
    outlet: str | None = Field(None, max_length=200)
    story: int | None = Field(None, ge=1, le=2 ** 63 - 1)


@router.post("/mark-all-read", summary="Mark read everything stored before a time",
             openapi_extra={"requestBody": {"required": False, "content": {
                 "application/json": {"schema": MarkAllIn.model_json_schema()}}}})
async def mark_all_read(request: Request):
    user = state_writer(request)
    body = await read_json_body(request, MarkAllIn) if _has_body(request) else MarkAllIn()
    try:
        before = parse_moment(body.before) if body.before else None
    except ValueError as exc:
        raise ApiError(422, f"before: {exc}") from None
    marked = await run_in_threadpool(lambda: _store(request).mark_all_read(
        user.id, before, feed_id=body.feed, outlet=body.outlet, story_id=body.story))
    return json_response(request, {"marked": marked, "before": before})


@router.get("/unread", summary="The caller's unread articles: in all, per feed id and per outlet")
def unread(request: Request):
    user = require_user(request)
    counts = _store(request).unread_counts(user.id)
    return json_response(request, {"total": counts["total"],
                                   "feeds": {str(k): v for k, v in sorted(counts["feeds"].items())},
                                   "outlets": dict(sorted(counts["outlets"].items()))})


@router.get("/saved", summary="The caller's saved articles, last saved first")
def saved(request: Request, limit: Limit = 20, cursor: Cursor = None):
    user = require_user(request)
    position = decode_cursor(cursor, ("offset",))
    offset = position["offset"] if position else 0
    store = _store(request)
    ids = store.saved(user.id, limit=limit + 1, offset=offset)
    rows = queries.articles_by_ids(store, user.id, ids[:limit])
    items = [article_item(r) | {"read": r["read"], "saved": r["saved"]} for r in rows]
    nxt = encode_cursor({"offset": offset + limit}) if len(ids) > limit else None
    return json_response(request, {"articles": items, "next": nxt})


# -- feeds and folders ---------------------------------------------------------------------------

@router.get("/feeds", summary="Every feed, with the caller's title, folder, hidden flag and unread count")
def feeds(request: Request):
    user = require_user(request)
    store = _store(request)
    counts = store.unread_counts(user.id)["feeds"]
    items = [{"id": f["id"], "url": f["url"], "title": f["title"], "site_url": f["site_url"], "outlet": f["outlet"],
              "folder": f["folder"], "hidden": bool(f["hidden"]), "unread": counts.get(f["id"], 0)}
             for f in store.user_feeds(user.id, include_hidden=True)]
    return json_response(request, {"feeds": items, "folders": store.folders(user.id)})


class FeedPrefsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=200)
    folder: str | None = Field(None, max_length=100)
    hidden: bool | None = None


@router.patch("/feeds/{feed_id}", summary="Change the caller's title, folder or hidden flag of a feed "
                                          "(\"\" or null clears a title or folder)")
async def feed_prefs(request: Request, feed_id: FeedId):
    user = state_writer(request)
    body = await read_json_body(request, FeedPrefsIn)
    given = body.model_dump(exclude_unset=True)
    changes = {k: (" ".join(_CONTROL.sub(" ", v).split()) or None) if isinstance(v, str) else v
               for k, v in given.items()}

    def change() -> dict:
        store = _store(request)
        if queries.feed(store, user.id, feed_id) is None:
            raise ApiError(404, f"no feed with id {feed_id}")
        store.set_feed_prefs(user.id, feed_id, title=changes.get("title", ...), folder=changes.get("folder", ...),
                             hidden=changes.get("hidden"))
        return queries.feed(store, user.id, feed_id)
    return json_response(request, await run_in_threadpool(change))


# -- mutes ---------------------------------------------------------------------------------------

class MuteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["keyword", "outlet"]
    value: str = Field(..., max_length=200)


@router.get("/mutes", summary="The caller's muted keywords and outlets (their stories leave the front page)")
def mutes(request: Request):
    return json_response(request, _store(request).mutes(require_user(request).id))


@router.post("/mutes", summary="Mute a keyword or an outlet", status_code=201)
async def mute(request: Request):
    user = state_writer(request)
    body = await read_json_body(request, MuteIn)
    try:
        value = mute_value(body.kind, body.value)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None

    def change() -> dict:
        store = _store(request)
        store.mute(user.id, body.kind, value)
        return store.mutes(user.id)
    return json_response(request, await run_in_threadpool(change), status=201)


@router.delete("/mutes", summary="Unmute a keyword or an outlet")
def unmute(request: Request, kind: Literal["keyword", "outlet"], value: Annotated[str, Query(max_length=200)]):
    user = state_writer(request)
    store = _store(request)
    store.mute(user.id, kind, " ".join(value.split()), muted=False)
    return json_response(request, store.mutes(user.id))


# -- API tokens ----------------------------------------------------------------------------------

class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field("api", min_length=1, max_length=100)


@router.get("/tokens", summary="The caller's API tokens (never the secrets)")
def tokens(request: Request):
    user = require_user(request)
    return json_response(request, {"tokens": _store(request).tokens(user.id)})


@router.post("/tokens", summary="A new API token for the caller (the secret is shown this once)", status_code=201)
async def new_token(request: Request):
    user = state_writer(request)
    body = await read_json_body(request, TokenIn) if _has_body(request) else TokenIn()
    label = " ".join(_CONTROL.sub(" ", body.label).split()) or "api"

    def issue() -> dict:
        store = _store(request)
        secret = accounts.issue_token(store, user, label)
        row = store.token_user(accounts.digest(secret))
        return next(t for t in store.tokens(user.id) if t["id"] == row["token_id"]) | {"token": secret}
    return json_response(request, await run_in_threadpool(issue), status=201, headers={"Cache-Control": "no-store"})


@router.delete("/tokens/{token_id}", summary="Revoke one of the caller's API tokens", status_code=204)
def revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=2 ** 63 - 1)]):
    user = state_writer(request)
    if not _store(request).revoke_token(user.id, token_id):
        raise ApiError(404, f"you have no token with id {token_id}")
    return Response(status_code=204)
