"""The Google Reader API at /api/greader, the protocol FreshRSS and Miniflux
serve, so the apps people already read news in (NetNewsWire, Reeder, Read You,
FeedMe, newsboat) work with Storyline: ClientLogin, subscriptions, streams,
read and starred state, and Storyline's stories as a feed of their own.

One route takes every path under the prefix and hands it to its endpoint
(storyline.greader.routes): clients put parameters in the query or the form
body interchangeably, repeat them, and some join the server's URL and the API
path with a double slash. Errors are plain text, as these clients expect:
401 `Unauthorized`, 400 for a bad parameter.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from storyline.greader import auth
from storyline.greader.call import Call, NotAllowed, RateLimited, text
from storyline.greader.ids import BadRequest
from storyline.greader.params import MAX_FORM, Params
from storyline.greader.routes import Endpoint, route

router = APIRouter()


class TooLarge(Exception):
    pass


async def _body(request: Request) -> list[tuple[str, str]] | bytes:
    """The form body: raw bytes of a urlencoded one, or the fields of a multipart one."""
    if request.method != "POST":
        return b""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=0, max_fields=1000)
        return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _serve(request: Request, endpoint: Endpoint, stream_path: str | None, params: Params) -> Response:
    store = request.app.state.reader.store()
    call = Call(request, store, params)
    if endpoint.edit and request.method != "POST":
        raise NotAllowed()
    if endpoint.signed_in:
        client = request.client.host if request.client else "unknown"
        call.user, call.token = auth.caller(store, request.headers, request.app.state.limits.get("auth"), client)
        if endpoint.edit and not auth.edit_token_ok(call.token, params.get("T")):
            raise auth.AuthError(headers={"X-Reader-Google-Bad-Token": "true"})
    if endpoint.stream_path:
        return endpoint.handle(call, stream_path)
    return endpoint.handle(call)


@router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
async def greader(request: Request, path: str) -> Response:
    try:
        found = route(path)
        if found is None:
            return text("Not Found", 404)
        endpoint, stream_path = found
        body = await _body(request)
        query = request.query_params.multi_items()
        params = Params(query + body) if isinstance(body, list) else Params.parse(query, body)
        return await run_in_threadpool(_serve, request, endpoint, stream_path, params)
    except BadRequest as exc:
        return text(f"Bad Request: {exc}", 400)
    except auth.AuthError as exc:
        return text(exc.message, exc.status, exc.headers)
    except NotAllowed:
        return text("Method Not Allowed: send this as a POST", 405, {"Allow": "POST"})
    except TooLarge:
        return text(f"Request Entity Too Large: at most {MAX_FORM:,} bytes of form", 413)
    except RateLimited as exc:
        return text(f"Too Many Requests: try again in {exc.seconds} s", 429, {"Retry-After": str(exc.seconds)})
