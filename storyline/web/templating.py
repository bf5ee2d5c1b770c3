"""Rendering the reader's pages: the Jinja2 environment and its filters, pages
with ETags, and the front page's story parts that are the same for every reader
(rendered once per cached front page, not once a request)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from storyline.status import time_ago
from storyline.storage.derived import now
from storyline.web.sanitize import marked_html, paragraphs_html, safe_http_url, sanitize_html, unmarked

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=8192)
def _when(iso: str | None, with_time: bool = True) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if len(iso) <= 10:
        return f"{moment.day} {moment:%b %Y}"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return f"{moment.day} {moment:%b %Y}, {moment:%H:%M} UTC" if with_time else f"{moment.day} {moment:%b %Y}"


def _day(iso: str | None) -> str:
    return _when(iso, with_time=False)


class _Templates(Environment):
    """Jinja2 with `row.title` read as a key first when the row is a dict (the
    store's rows are): Jinja tries the attribute first, and a dict's missing
    attribute costs an exception, hundreds of times a page."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


env = _Templates(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                 trim_blocks=True, lstrip_blocks=True, auto_reload=False)
env.filters["when"] = _when
env.filters["day"] = _day
env.filters["safe_http_url"] = lru_cache(maxsize=8192)(safe_http_url)  # twice a source, on every story page
env.filters["paragraphs"] = lambda text: Markup(paragraphs_html(text))
env.filters["marked"] = lambda text: Markup(marked_html(text))
env.filters["sanitized"] = lambda html: Markup(sanitize_html(html))
env.filters["unmarked"] = unmarked
env.filters["ago"] = time_ago
env.globals["static_version"] = hashlib.sha1(
    b"".join(p.read_bytes() for p in sorted((HERE / "static").iterdir()) if p.is_file())).hexdigest()[:10]


@dataclass(frozen=True)
class FrontItem:
    head: Markup  # title and lead
    meta: Markup  # outlets, articles, latest


_front_items: dict[int, tuple[dict, FrontItem]] = {}


def front_item(story: dict) -> FrontItem:
    """What the front page shows of a story to every reader, rendered once per
    story record: the reader's front-page cache hands out the same record until
    the ranking changes (the record itself is kept with it, so its id is not reused)."""
    found = _front_items.get(id(story))
    if found is not None and found[0] is story:
        return found[1]
    macros = env.get_template("_front_item.html").module
    item = FrontItem(Markup(macros.head(story).rstrip("\n")), Markup(macros.meta(story).rstrip("\n")))
    if len(_front_items) > 2048:
        _front_items.clear()
    _front_items[id(story)] = (story, item)
    return item


def _viewer_or_none(request: Request):
    """The viewer if the request's route found out (an error page asks no database)."""
    return getattr(request.state, "viewer", None)


def render(request: Request, template: str, **context) -> str:
    context.setdefault("viewer", _viewer_or_none(request))
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return env.get_template(template).render(request=request, rendered_at=now(), here=here, **context)


def page(request: Request, template: str, status: int = 200, **context) -> Response:
    """An HTML page with an ETag of its bytes (304 when the browser has them);
    a page with a user's state is private to the browser."""
    body = render(request, template, **context).encode("utf-8")
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    seen = _viewer_or_none(request)
    personal = seen is not None and seen.user is not None
    headers = {"ETag": etag, "Cache-Control": "private, no-cache" if personal else "no-cache"}
    if personal:
        headers["Vary"] = "Cookie, Authorization"
    if status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)
