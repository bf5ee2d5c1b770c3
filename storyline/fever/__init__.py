"""The Fever API at /api/fever (also `/api/fever/?api`), as Miniflux and
FreshRSS serve it, for the apps that speak it (Reeder, ReadKit, Unread, Fiery
Feeds, Read You...): groups, feeds, favicons (none), items, unread and saved
item ids, links (none), and marking items, feeds and groups.

Every call carries a POSTed `api_key` (md5 of "NAME:FEVER PASSWORD", turned on
with `storyline user fever NAME`; storyline.fever.credentials); the key is read
from the form body only, never from the URL, where it would end up in logs.
A missing or wrong key gets `{"api_version": 3, "auth": 0}` and nothing else;
a wrong one spends one of the client's failed attempts (the allowance the
other logins share), and past it the answer is the same with status 429.
Flags and arguments come from the query string or the form, several at once
(`?api&feeds&groups`); a mark is done before what is read, and, as the
protocol asks, its answer carries the updated unread or saved ids. Answers are
JSON even to `api=xml`. There is no local-mode shortcut (the web reader's
implicit user): a cross-site form could otherwise mark a local reader's
articles, since no Fever client sends anything a browser could not.
"""
from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.formparsers import MultiPartException

from storyline.accounts import User
from storyline.fever import items, marks
from storyline.fever.credentials import fever_user
from storyline.fever.sources import last_refreshed, sources
from storyline.greader.call import as_json
from storyline.greader.ids import BadRequest
from storyline.greader.params import Params
from storyline.storage import Store
from storyline.storage.derived import now

router = APIRouter()
API_VERSION = 3
MAX_FIELDS = 100
_WHOLE = re.compile(r"^-?\d{1,18}$")


def whole(value: str | None) -> int | None:
    """An integer parameter, or None for anything else (Fever clients expect an
    answer, not an error, and garbage is simply not a number)."""
    value = (value or "").strip()
    return int(value) if _WHOLE.match(value) else None


def _refused(status: int = 200, wait: float = 0) -> Response:
    reply = as_json({"api_version": API_VERSION, "auth": 0})
    reply.status_code = status
    if wait:
        reply.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return reply


def _mark(store: Store, user: User, params: Params, reply: dict) -> None:
    kind, state = (params.get("mark") or "").strip().lower(), (params.get("as") or "").strip().lower()
    target = whole(params.get("id"))
    if kind not in ("item", "feed", "group") or target is None:
        return
    before = marks.before_time(whole(params.get("before"))) or now()
    if kind == "item" and target > 0:
        marks.mark_item(store, user.id, target, state)
    elif kind == "feed" and state == "read":
        marks.mark_feed_read(store, user.id, target, before)
    elif kind == "group" and state == "read":
        marks.mark_group_read(store, user.id, target, before)
    if state in ("saved", "unsaved"):
        reply["saved_item_ids"] = items.saved_ids(store, user.id)
    else:
        reply["unread_item_ids"] = items.unread_ids(store, user.id)


def _items(store: Store, user: User, params: Params) -> list[dict]:
    """with_ids, else since_id, else max_id, else the oldest items."""
    if params.get("with_ids") is not None:
        wanted = [whole(part) for part in (params.get("with_ids") or "").split(",")[:items.PAGE]]
        rows = items.with_ids(store, user.id, [i for i in wanted if i is not None and i > 0])
    elif params.get("since_id") is not None:
        rows = items.page(store, user.id, since_id=max(whole(params.get("since_id")) or 0, 0))
    elif params.get("max_id") is not None:
        rows = items.page(store, user.id, max_id=max(whole(params.get("max_id")) or 0, 0))
    else:
        rows = items.page(store, user.id)
    return items.items_json(store, rows)


def answer(request: Request, store: Store, user: User, params: Params) -> dict:
    """Every part the call asks for, after its mark."""
    reply: dict = {}
    if params.get("mark") is not None:
        _mark(store, user, params, reply)
    if params.get("unread_recently_read") == "1":
        marks.unread_recently_read(store, user.id)
        reply["unread_item_ids"] = items.unread_ids(store, user.id)
    if params.get("groups") is not None or params.get("feeds") is not None:
        mine = sources(store, user.id)
        if params.get("groups") is not None:
            reply["groups"] = mine.groups_json()
        if params.get("feeds") is not None:
            from storyline.web.pages import public_base  # here: storyline.web imports this package
            reply["feeds"] = mine.feeds_json(public_base(request).rstrip("/"))
        reply["feeds_groups"] = mine.feeds_groups()
    if params.get("favicons") is not None:
        reply["favicons"] = []
    if params.get("items") is not None:
        reply["total_items"] = items.total(store, user.id)
        reply["items"] = _items(store, user, params)
    if params.get("links") is not None:
        reply["links"] = []
    if params.get("unread_item_ids") is not None:
        reply["unread_item_ids"] = items.unread_ids(store, user.id)
    if params.get("saved_item_ids") is not None:
        reply["saved_item_ids"] = items.saved_ids(store, user.id)
    return reply


def _serve(request: Request, params: Params, key: str | None) -> Response:
    store = request.app.state.reader.store()
    limiter = request.app.state.limits.get("auth")
    client = request.client.host if request.client else "unknown"
    if not key:
        return _refused()
    wait = limiter.wait(client) if limiter is not None else 0
    if wait:
        return _refused(429, wait)
    user = fever_user(store, key)
    if user is None:
        if limiter is not None:
            limiter.allow(client)
        return _refused()
    reply = answer(request, store, user, params)
    return as_json({"api_version": API_VERSION, "auth": 1, "last_refreshed_on_time": last_refreshed(store),
                    **reply})


async def _form(request: Request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


@router.api_route("", methods=["GET", "POST"], include_in_schema=False)
@router.api_route("/", methods=["GET", "POST"], include_in_schema=False)
async def fever(request: Request) -> Response:
    try:
        form = await _form(request)
        params = Params(request.query_params.multi_items() + form)
    except (BadRequest, MultiPartException):  # a NUL, a huge value, broken multipart, files, too many fields
        return _refused(400)
    key = next((v for k, v in reversed(form) if k == "api_key"), None)
    return await run_in_threadpool(_serve, request, params, key)
