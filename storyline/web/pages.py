"""The server-rendered pages: front page, story, article, search, sources,
and the front page and searches as RSS, Atom and JSON Feed; each shows the
viewer's own state (read, saved, unread counts, folders, mutes) when there is
a viewer (see storyline.web.identity). Login and settings are in
account_pages.py, the per-user lists and state changes in state_pages.py."""
from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from storyline.api import ApiError, MAX_BODY, ArticleId, StoryId, check_url, rate_limit, require_token
from storyline.web import feeds, identity, queries
from storyline.web.mutes import story_filter
from storyline.web.reader import PER_PAGE, search_words
from storyline.web.templating import front_item, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(identity.gate)])
public = APIRouter(include_in_schema=False)  # no viewer needed
HERE = Path(__file__).resolve().parent
MAX_PAGE = 10_000


def reader_of(request: Request):
    return request.app.state.reader


def _page_links(request: Request, page_no: int, total: int, per_page: int, **params) -> dict:
    pages = max(1, math.ceil(total / per_page))
    keep = {k: v for k, v in params.items() if v not in (None, "", "all")}

    def link(n: int) -> str:
        return str(request.url.path) + "?" + urlencode(keep | ({"page": n} if n > 1 else {})) if (
            keep or n > 1) else str(request.url.path)
    return {"page": page_no, "pages": pages,
            "prev": link(page_no - 1) if page_no > 1 else None,
            "next": link(page_no + 1) if page_no < pages else None}


def open_pager(request: Request, page_no: int, more: bool, **params) -> dict:
    """Page links when the number of pages is not known, only whether more follow."""
    links = _page_links(request, page_no, (page_no + (1 if more else 0)) * PER_PAGE, PER_PAGE, **params)
    return links | {"pages": None}


# -- front page ----------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def front(request: Request, page_no: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
          only: Literal["all", "multi", "single"] = "all"):
    reader = reader_of(request)
    user = identity.viewer(request).user
    mutes = reader.store().mutes(user.id) if user is not None else {}
    hide = story_filter(mutes) if mutes else None
    hidden = 0
    if hide is not None:
        stories, more, hidden = reader.front_page_for((page_no - 1) * PER_PAGE, PER_PAGE, only, hide,
                                                      key=tuple((k, tuple(v)) for k, v in sorted(mutes.items())))
        total = None
        pager = open_pager(request, page_no, more, only=only)
    else:
        stories, total = reader.front_page((page_no - 1) * PER_PAGE, PER_PAGE, only)
        pager = _page_links(request, page_no, total, PER_PAGE, only=only)
    if page_no > 1 and not stories:
        raise ApiError(404, "no such page")
    items = {s["id"]: front_item(s) for s in stories}
    if user is not None:  # the cached stories are shared: the user's counts go on copies
        unread = queries.story_unread(reader.store(), user.id, [s["id"] for s in stories])
        stories = [s | {"unread": unread[s["id"]]} for s in stories]
    return page(request, "front.html", stories=stories, items=items, total=total, only=only,
                updated=reader.last_update(), pager=pager, hidden=hidden)


# -- story -----------------------------------------------------------------------------------------

def _facts_present(brief: dict | None) -> bool:
    return bool(brief) and any(brief["facts"].get(k) for k in brief["facts"])


def _story_context(story: dict) -> dict:
    articles = story["articles"]
    numbers = {a["id"]: n for n, a in enumerate(articles, start=1)}
    by_id = {a["id"]: a for a in articles}
    brief = story["brief"] or {"sentences": [], "facts": {}, "agreement": None}
    links = {a["id"]: Markup(f'<a class="cite" href="/articles/{a["id"]}" title="{escape(a["outlet"])}: '
                             f'{escape(a["title"])}">[{numbers[a["id"]]}]</a>') for a in articles}

    def cites(ids) -> Markup:
        """The [n] links of these articles (each made once a page, not once a citation)."""
        return Markup("".join(links[i] for i in ids if i in links))
    return {"story": story, "brief": brief, "numbers": numbers, "by_id": by_id, "cites": cites,
            "facts": brief.get("facts") or {}, "agreement": brief.get("agreement"),
            "has_facts": _facts_present(brief)}


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: StoryId, facts: bool = False, llm: bool = False):
    """The brief is made without facts (fast); the facts panel is filled in by
    /stories/{id}/facts (script) or ?facts=1 (no script), unless already known.
    ?llm=1 shows the checked LLM brief when the server has a model set up."""
    reader = reader_of(request)
    story = reader.story(story_id, facts=facts)
    if story is None:
        raise ApiError(404, f"no story with id {story_id}")
    user = identity.viewer(request).user
    if user is not None:  # opening a story marks it (and its articles) read
        store = reader.store()
        if queries.story_unread(store, user.id, [story_id])[story_id] or not store.stories_read(user.id, [story_id]):
            store.read_story(user.id, story_id)
    from storyline.brief.llm_client import configured_model
    model = configured_model()
    if llm and model and story["brief"]:
        from storyline.brief.llm import checked_story_brief
        rate_limit(request, "summary")
        story["brief"] = checked_story_brief(reader.store(), story_id, story["brief"])
    context = _story_context(story)
    return page(request, "story.html", facts_requested=facts, llm_model=model, llm_requested=llm and bool(model),
                updated=reader.last_update(), **context)


@router.get("/stories/{story_id}/facts", response_class=HTMLResponse)
def story_facts(request: Request, story_id: StoryId):
    story = reader_of(request).story(story_id, facts=True)
    if story is None:
        raise ApiError(404, f"no story with id {story_id}")
    return page(request, "_facts.html", facts_requested=True, **_story_context(story))


# -- article ---------------------------------------------------------------------------------------

@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId, summary: bool = False,
                 sentences: Annotated[int | None, Query(ge=1, le=20)] = None):
    reader = reader_of(request)
    article = reader.article(article_id)
    if article is None:
        raise ApiError(404, f"no article with id {article_id}")
    made = None
    if summary:
        rate_limit(request, "summary")
        made = reader.summary(article_id, sentences=sentences)
    user = identity.viewer(request).user
    flags = reader.store().article_flags(user.id, [article_id])[article_id] if user is not None else None
    return page(request, "article.html", article=article, summary=made, flags=flags)


# -- search ----------------------------------------------------------------------------------------

@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=500)] = "",
                page_no: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1):
    hits: list = []
    stories: list = []
    more = False
    q = search_words(q)
    if q:
        rate_limit(request, "search")
        hits, stories = reader_of(request).search(q, offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE + 1)
        more = len(hits) > PER_PAGE
        hits = hits[:PER_PAGE]
    base = "/search?" + urlencode({"q": q})
    pager = {"page": page_no,
             "prev": (base + (f"&page={page_no - 1}" if page_no > 2 else "")) if page_no > 1 else None,
             "next": f"{base}&page={page_no + 1}" if more else None}
    return page(request, "search.html", q=q, hits=hits, stories=stories, pager=pager)


# -- sources ---------------------------------------------------------------------------------------

def sources_data(request: Request) -> dict:
    """What the sources page shows; for a viewer, with their feed titles,
    folders and unread counts."""
    reader = reader_of(request)
    data = reader.sources()
    user = identity.viewer(request).user
    data["folders"] = []
    if user is not None:
        store = reader.store()
        mine = {f["id"]: f for f in store.user_feeds(user.id, include_hidden=True)}
        by_outlet, by_feed = queries.unread_by_outlet_and_feed(store, user.id)
        data["feeds"] = [f | {"title": mine[f["id"]]["title"] if f["id"] in mine else f["title"],
                              "folder": mine.get(f["id"], {}).get("folder"),
                              "unread": by_feed.get(f["id"], 0)} for f in data["feeds"]]
        data["outlets"] = [o | {"unread": by_outlet.get(o["name"], 0)} for o in data["outlets"]]
        data["folders"] = [{"name": name, "unread": sum(by_feed.get(f["id"], 0) for f in data["feeds"]
                                                        if f["folder"] == name)} for name in store.folders(user.id)]
    return data


def _writable(request: Request) -> bool:
    return bool(reader_of(request).token) or identity.viewer(request).may_add_sources


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request):
    return page(request, "sources.html", writable=_writable(request), result=None, **sources_data(request))


@router.post("/sources", response_class=HTMLResponse)
async def sources_add(request: Request, token: Annotated[str, Form(max_length=500)] = "",
                      url: Annotated[str, Form(max_length=2000)] = "",
                      csrf: Annotated[str, Form(max_length=200)] = "",
                      opml: UploadFile | None = None):
    reader = reader_of(request)
    require_token(request, token, csrf)
    rate_limit(request, "write")
    opml_bytes = None
    if opml is not None and opml.filename:
        opml_bytes = await opml.read(MAX_BODY + 1)
        if len(opml_bytes) > MAX_BODY:
            raise ApiError(413, f"the OPML file is over {MAX_BODY:,} bytes")
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ApiError(422, "the address must start with http:// or https://")
    if url:
        try:
            check_url(url)
        except ValueError as exc:
            raise ApiError(422, f"the address cannot be used: {exc}") from None
    if not url and not opml_bytes:
        raise ApiError(422, "give a feed or article address, or an OPML file")
    result = await run_in_threadpool(reader.add_sources, [url] if url else [], opml_bytes)
    data = await run_in_threadpool(sources_data, request)
    return page(request, "sources.html", writable=True, result=result, **data)


# -- feeds out -----------------------------------------------------------------------------------

FEED_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8",
              "json": "application/feed+json; charset=utf-8"}


def public_base(request: Request) -> str:
    """Where absolute links point: the configured public base URL, else the
    address the server is bound to (never the client's Host header)."""
    configured = request.app.state.base_url
    if configured:
        return configured
    scheme = request.scope.get("scheme", "http")
    server = request.scope.get("server")
    if not server:
        return f"{scheme}://localhost"
    host, port = server[0], server[1]
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def _feed_response(request: Request, kind: str, body: str) -> Response:
    data = body.encode("utf-8")
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=FEED_TYPES[kind], headers=headers)


@router.get("/feed.{kind}")
def front_feed(request: Request, kind: Literal["rss", "atom", "json"]):
    stories, _ = reader_of(request).front_page(0, 30)
    feed = feeds.front_feed(public_base(request), stories)
    return _feed_response(request, kind, feeds.render(feed, kind))


@router.get("/search.{kind}")
def search_feed(request: Request, kind: Literal["rss", "atom", "json"], q: Annotated[str, Query(max_length=500)]):
    q = search_words(q)
    if not q:
        raise ApiError(400, "the query is empty")
    rate_limit(request, "search")
    hits, _ = reader_of(request).search(q, offset=0, limit=50)
    feed = feeds.search_feed(public_base(request), q, hits)
    return _feed_response(request, kind, feeds.render(feed, kind))


@public.get("/robots.txt")
def robots() -> Response:
    return Response("User-agent: *\nDisallow: /api/\nDisallow: /search\n", media_type="text/plain")


@public.get("/favicon.ico")
def favicon() -> Response:
    return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=86400"})
