"""The JSON API: /api/stories, /api/articles, /api/search, summaries, the two
writes (POST /api/sources, POST /api/articles) behind the write token or an
admin's session or API token, and the caller's own state (storyline.api.state).
On a server with accounts every route needs a session or a user's API token.

Lists use cursor pagination (`next` is an opaque cursor, or null at the end);
every GET answers with an ETag and honours If-None-Match; errors are JSON,
`{"error": {"status": 404, "message": "..."}}`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from storyline.web import queries
from storyline.web.identity import gate, require_csrf, viewer
from storyline.web.reader import search_words, story_times
from storyline.web.sanitize import marked_html, unmarked
from storyline.web.security import TokenError, authenticate, bearer

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(gate)])

MAX_BODY = 2 * 1024 * 1024  # bytes in a POST body (an article's HTML fits; more is 413)
MAX_LIMIT = 100
MAX_ID = 2 ** 63 - 1  # SQLite's largest integer
MAX_OFFSET = 1_000_000  # items a cursor may skip
MAX_CURSOR = 512  # characters


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 details: Any = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.details = details


def error_body(status: int, message: str, details: Any = None) -> dict:
    body: dict = {"error": {"status": status, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return body


# -- helpers ----------------------------------------------------------------------------------

def encode_cursor(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _text_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= 64)


def _stored_id(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_ID


CURSOR_FIELDS = {  # what each field of a cursor may hold
    "offset": lambda v: type(v) is int and 0 <= v <= MAX_OFFSET,
    "id": _stored_id,
    "last_seen": _text_or_none,
    "published": _text_or_none,
}


def decode_cursor(cursor: str | None, keys: tuple[str, ...]) -> dict | None:
    """The fields of a `next` cursor; 400 for anything this server did not make."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or set(data) != set(keys):
            raise ValueError
        if not all(CURSOR_FIELDS[key](data[key]) for key in keys):
            raise ValueError
        return data
    except (ValueError, binascii.Error, RecursionError):
        raise ApiError(400, "bad cursor: pass back the `next` value of the previous page") from None


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(request: Request, data: Any, status: int = 200, headers: dict | None = None) -> Response:
    """JSON with a strong ETag of its bytes; 304 when the client has them already."""
    body = dumps(data)
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    seen = getattr(request.state, "viewer", None)
    personal = {"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"} if (
        seen is not None and seen.user is not None) else {"Cache-Control": "no-cache"}
    headers = {"ETag": etag, **personal, **(headers or {})}
    if request.method == "GET" and status == 200:
        match = request.headers.get("if-none-match", "")
        if match and (match.strip() == "*" or etag in [m.strip().removeprefix("W/") for m in match.split(",")]):
            return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def reader_of(request: Request):
    return request.app.state.reader


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request, kind: str) -> None:
    limiter = request.app.state.limits.get(kind)
    if limiter is None:
        return
    wait = limiter.allow(client_key(request))
    if wait:
        seconds = max(1, int(wait + 0.999))
        raise ApiError(429, f"too many {kind} requests: try again in {seconds} s",
                       headers={"Retry-After": str(seconds)})


def require_token(request: Request, presented: str | None = None, csrf: str | None = None) -> None:
    """Adding sources and articles: an admin who logged in (with the session's
    CSRF token, `csrf` or the X-CSRF-Token header) or sends their API token, else
    the server's write token from `presented` (a form field) or the Authorization
    header; failed attempts are rate limited per client (see security.authenticate)."""
    seen = viewer(request)
    if seen.may_add_sources:
        if seen.via == "session":
            require_csrf(request, csrf)
        return
    if seen.via in ("session", "token") and not presented:
        raise ApiError(403, "adding sources and articles needs an admin account or the server's write token")
    try:
        authenticate(request.app.state.reader.token,
                     presented if presented is not None else bearer(request.headers.get("authorization")),
                     request.app.state.limits["auth"], client_key(request))
    except TokenError as exc:
        raise ApiError(exc.status, exc.message, headers=exc.headers) from None


async def read_json_body(request: Request, model: type[BaseModel]) -> BaseModel:
    limit = getattr(request.app.state, "max_body", MAX_BODY)
    length = request.headers.get("content-length")
    if length is not None:
        if not (length.isascii() and length.strip().isdigit()):
            raise ApiError(400, "bad Content-Length")
        if len(length.strip()) > 18 or int(length) > limit:
            raise ApiError(413, f"request body over {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body over {limit:,} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise ApiError(415, "send JSON (Content-Type: application/json)")
    try:
        data = json.loads(raw or b"null")
    except RecursionError:
        raise ApiError(400, "the body is not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    try:
        dumps(data)
    except (UnicodeEncodeError, RecursionError):
        raise ApiError(400, "the body is not valid JSON: a string holds a lone surrogate (\\ud800-\\udfff)") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid request body: " + "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()),
            details=json.loads(exc.json(include_url=False, include_input=False))) from None


def story_item(story: dict) -> dict:
    """first_seen / last_seen fall back on the added time of undated articles;
    first_published / last_published never do (null when no article is dated);
    `added` is when the story's first article was added (UTC, ISO 8601)."""
    times = story_times(story["articles"])
    return {"id": story["id"], "title": story["title"],
            "articles": [a["id"] if isinstance(a, dict) else a for a in story["articles"]],
            "outlets": story["outlets"], "first_seen": story["first_seen"], "last_seen": story["last_seen"],
            "first_published": times["first_published"], "last_published": times["last_published"],
            "added": times["added"], "url": f"/stories/{story['id']}"}


def article_item(row: dict) -> dict:
    """`published` is the source's own date (null when it gave none); `added`
    is when Storyline stored the article (UTC, ISO 8601), never a stand-in for it."""
    return {"id": row["id"], "url": row["url"], "outlet": row["outlet"], "title": row["title"],
            "published": row["published"], "added": row["fetched"], "words": row["words"],
            "story_id": row["story_id"], "duplicate_of": row["duplicate_of"]}


def caller_id(request: Request) -> int | None:
    user = viewer(request).user
    return user.id if user is not None else None


def with_flags(request: Request, items: list[dict]) -> list[dict]:
    """Articles with the caller's `read` and `saved` (left out when nobody is asking)."""
    user_id = caller_id(request)
    if user_id is None or not items:
        return items
    flags = request.app.state.reader.store().article_flags(user_id, [i["id"] for i in items])
    return [i | flags[i["id"]] for i in items]


def with_story_read(request: Request, items: list[dict]) -> list[dict]:
    """Stories with the caller's `read` (every article read) and `unread` count."""
    user_id = caller_id(request)
    if user_id is None or not items:
        return items
    unread = queries.story_unread(request.app.state.reader.store(), user_id, [i["id"] for i in items])
    return [i | {"read": unread[i["id"]] == 0, "unread": unread[i["id"]]} for i in items]


def summary_json(article_id: int, summary) -> dict:
    return {"article": article_id,
            "sentences": [{"text": s.text, "position": s.position} for s in summary.sentences],
            "method": summary.method, "words": summary.words, "language": summary.language,
            "note": summary.note}


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR, description="the `next` value of the previous page")]
StoryId = Annotated[int, Path(ge=1, le=MAX_ID, description="a story id")]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="an article id")]


# -- reading ----------------------------------------------------------------------------------

@router.get("/stories", summary="Stories, newest first or in front-page order")
def list_stories(request: Request, limit: Limit = 20, cursor: Cursor = None,
                 order: Literal["recent", "rank"] = "recent",
                 only: Literal["all", "multi", "single"] = "all"):
    reader = reader_of(request)
    if only != "all" and order != "rank":
        raise ApiError(400, "only= needs order=rank")
    if order == "rank":
        position = decode_cursor(cursor, ("offset",))
        offset = position["offset"] if position else 0
        chosen, total = reader.ranked(offset, limit, only)
        stories = reader.store().stories_by_ids([x.id for x in chosen])
        meta = {x.id: x for x in chosen}
        items = [story_item(s) | {"article_count": meta[s["id"]].articles,
                                  "outlet_count": meta[s["id"]].outlets,
                                  "score": round(meta[s["id"]].score, 4)} for s in stories]
        nxt = encode_cursor({"offset": offset + limit}) if offset + limit < total else None
        return json_response(request, {"stories": with_story_read(request, items), "next": nxt})
    position = decode_cursor(cursor, ("last_seen", "id"))
    rows = reader.store().stories_before(position and position["last_seen"], position and position["id"],
                                         limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor({"last_seen": rows[-1]["last_seen"], "id": rows[-1]["id"]}) if more else None
    return json_response(request, {"stories": with_story_read(request, [story_item(s) for s in rows]), "next": nxt})


@router.get("/stories/{story_id}", summary="One story: its articles, cited brief, facts and agreement")
def get_story(request: Request, story_id: StoryId, facts: bool = True,
              llm: Annotated[bool, Query(description="the brief written by the server's language model, "
                                                     "each sentence checked against the sources it cites")] = False):
    reader = reader_of(request)
    story = reader.story(story_id, facts=facts)
    if story is None:
        raise ApiError(404, f"no story with id {story_id}")
    brief = story.pop("brief") or {}
    if llm:
        brief = _llm_brief(request, reader, story_id, brief)
    data = with_story_read(request, [story_item(story)])[0] | {
        "articles": with_flags(request, [{k: a[k] for k in ("id", "outlet", "title", "published", "added", "url",
                                                            "duplicate_of")} for a in story["articles"]]),
        "brief": {"sentences": brief.get("sentences", []), "method": brief.get("method"),
                  "words": brief.get("words")},
        "facts": brief.get("facts"),
        "agreement": brief.get("agreement"),
    }
    if llm:
        data["brief"] |= {"llm": brief["llm"], "rejected": brief["rejected"]}
    if brief.get("facts_error"):
        data["facts_error"] = brief["facts_error"]
    return json_response(request, data)


def _llm_brief(request: Request, reader, story_id: int, extractive: dict) -> dict:
    """The checked LLM brief (or the extractive one with the reason); 400 when no model is set up."""
    from storyline.brief.llm import checked_story_brief, configured_model

    if configured_model() is None:
        raise ApiError(400, "this server has no language model set up for the LLM brief "
                            "(STORYLINE_LLM_URL and STORYLINE_LLM_MODEL)")
    rate_limit(request, "summary")
    return checked_story_brief(reader.store(), story_id, extractive)


@router.get("/articles", summary="Articles, newest first by publication date")
def list_articles(request: Request, limit: Limit = 20, cursor: Cursor = None, outlet: str | None = None):
    position = decode_cursor(cursor, ("published", "id"))
    rows = reader_of(request).store().articles_before(
        position and position["published"], position and position["id"], limit + 1, outlet=outlet)
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor({"published": rows[-1]["published"], "id": rows[-1]["id"]}) if more else None
    return json_response(request, {"articles": with_flags(request, [article_item(r) for r in rows]), "next": nxt})


@router.get("/articles/{article_id}", summary="One article with its clean text")
def get_article(request: Request, article_id: ArticleId):
    row = reader_of(request).store().get_article(article_id)
    if row is None:
        raise ApiError(404, f"no article with id {article_id}")
    data = article_item(row) | {k: row[k] for k in ("author", "language", "fetched", "canonical_url", "text")}
    return json_response(request, with_flags(request, [data])[0])


@router.get("/articles/{article_id}/summary", summary="The article's summary (made on first request, then kept)")
def get_summary(request: Request, article_id: ArticleId,
                sentences: Annotated[int | None, Query(ge=1, le=20)] = None,
                words: Annotated[int | None, Query(ge=10, le=1000)] = None):
    if sentences and words:
        raise ApiError(400, "give sentences or words, not both")
    reader = reader_of(request)
    if reader.store().get_article(article_id) is None:
        raise ApiError(404, f"no article with id {article_id}")
    rate_limit(request, "summary")
    summary = reader.summary(article_id, sentences=sentences, words=words)
    return json_response(request, summary_json(article_id, summary))


@router.get("/search", summary="Full-text search over articles (and the stories they belong to)")
def search(request: Request, q: Annotated[str, Query(max_length=500, description="words to find")],
           limit: Limit = 20, cursor: Cursor = None):
    words = search_words(q)
    if not words:
        raise ApiError(400, "the query is empty")
    position = decode_cursor(cursor, ("offset",))
    offset = position["offset"] if position else 0
    rate_limit(request, "search")
    hits, stories = reader_of(request).search(words, offset=offset, limit=limit + 1)
    more = len(hits) > limit
    hits = hits[:limit]
    items = [article_item(h) | {"snippet": unmarked(h["snippet"]), "snippet_html": marked_html(h["snippet"])}
             for h in hits]
    data = {"query": words, "articles": with_flags(request, items),
            "stories": with_story_read(request, [story_item(s) for s in stories]),
            "next": encode_cursor({"offset": offset + limit}) if more else None}
    return json_response(request, data)


# -- writing ------------------------------------------------------------------------------------

def check_url(url: str) -> None:
    """ValueError (a readable reason) unless `url` is an http(s) address the fetcher can parse."""
    import httpx

    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("url must be http(s)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range or not a number
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise ValueError(f"url is not a valid address: {exc}") from None
    if not parts.hostname:
        raise ValueError("url has no host")


from storyline.api.state import router as _state_router  # noqa: E402 - they build on the helpers above
from storyline.api.writes import router as _writes_router  # noqa: E402

router.include_router(_writes_router)
router.include_router(_state_router)
