"""The web reader and JSON API as one ASGI app: `create_app(db)`."""
from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.api import MAX_BODY, ApiError, error_body, router as api_router
from storyline.config import FetchSettings, public_base_url
from storyline.status.metrics import CONTENT_TYPE as METRICS_TYPE, Metrics
from storyline.status.report import health
from storyline.accounts import csrf_ok
from storyline.storage import open_store
from storyline.storage.search import SearchInterrupted
from storyline.web import identity
from storyline.web.identity import CSRF_HEADER, WRITE_ROUTES, LoginRequired
from storyline.web.reader import SEARCH_BUDGET, Reader
from storyline.web.security import (RateLimiter, Refusal, RequestGuard, SecurityHeaders, TokenError,
                                    authenticate, bearer, check_attempts)

HERE = Path(__file__).resolve().parent
log = logging.getLogger("storyline.web")

# Writes (new sources and articles), summary requests, searches (pages, API and
# feeds) and failed write-token attempts, per client address.
WRITE_RATE = (20, 60.0)  # 20 a minute, in bursts of up to 20
SUMMARY_RATE = (60, 60.0)
SEARCH_RATE = (30, 60.0)
AUTH_FAILURE_RATE = (10, 60.0)
# Form framing around the largest accepted OPML upload.
FORM_OVERHEAD = 64 * 1024


def create_app(db: str, *, token: str | None = None, settings: FetchSettings | None = None,
               write_rate: tuple[int, float] = WRITE_RATE,
               summary_rate: tuple[int, float] = SUMMARY_RATE,
               search_rate: tuple[int, float] = SEARCH_RATE,
               auth_failure_rate: tuple[int, float] = AUTH_FAILURE_RATE,
               search_budget: float | None = None, max_body: int = MAX_BODY,
               base_url: str | None = None) -> FastAPI:
    """The reader over the SQLite file `db`. Writes need `token` (none: writes refused).
    `search_budget` (seconds, default $STORYLINE_SEARCH_BUDGET or 2) bounds each search;
    `base_url` (default $STORYLINE_BASE_URL) is where absolute links (feeds) point."""
    budget = search_budget if search_budget is not None else _seconds_from_env(
        "STORYLINE_SEARCH_BUDGET", SEARCH_BUDGET)
    public = public_base_url(base_url if base_url is not None else os.environ.get("STORYLINE_BASE_URL"))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.reader.stopping.set()
        # A connection busy in another thread (a write waiting for a lock) would
        # block close(): do not let it hold up the shutdown.
        closing = threading.Thread(target=app.state.reader.close, daemon=True)
        closing.start()
        closing.join(timeout=0.5)

    app = FastAPI(title="Storyline", version=__version__,
                  description="No time to read? Get a summary. The JSON API of a Storyline reader.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan)
    app.state.reader = Reader(db, token=token, settings=settings, search_budget=budget)
    app.state.worker = None  # a storyline.worker.Worker when `serve` polls in this process
    app.state.metrics = Metrics(lambda: app.state.reader.store(), lambda: app.state.worker)
    app.state.base_url = public
    app.state.max_body = max_body
    rates = {"write": write_rate, "summary": summary_rate, "search": search_rate, "auth": auth_failure_rate}
    app.state.limits = {kind: RateLimiter(rate, per, burst=rate)
                        for kind, (rate, per) in _rates_from_env(rates).items()}
    app.include_router(api_router)
    from storyline.greader import router as greader_router
    app.include_router(greader_router, prefix="/api/greader")
    from storyline.fever import router as fever_router
    app.include_router(fever_router, prefix="/api/fever")
    from storyline.web.account_pages import router as account_router
    from storyline.web.pages import public as public_router, router as pages_router
    from storyline.web.state_pages import router as state_router
    app.include_router(public_router)
    app.include_router(account_router)
    app.include_router(state_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def before_body(scope: dict, headers) -> Refusal | None:
        """Writes refused before their body is read: by the Authorization header
        (API), or for the form (token inside the body) when no token can pass.
        An admin's session (with its CSRF token) or API token passes too."""
        where = WRITE_ROUTES.get((scope["method"], scope["path"]))
        if where is None:
            return None
        reader = app.state.reader
        client = scope["client"][0] if scope.get("client") else "unknown"
        seen = identity.Viewer(None, None, "anonymous", False)
        try:
            # A client out of failed attempts is not looked up (it gets 429 below); the
            # event loop's thread keeps no store of its own, so this one is opened for the look-up.
            if identity.has_credentials(app, headers) and not app.state.limits["auth"].wait(client):
                with open_store(reader.db) as store:
                    seen = identity.resolve(app, headers, client, store)
                scope.setdefault("state", {})["viewer"] = seen  # the route's request.state.viewer
        except Exception:  # noqa: BLE001 - the database cannot say who this is: the write token alone decides
            log.warning("could not tell who is writing", exc_info=True)
        if seen.may_add_sources:
            if where == "header" and seen.via == "session" and not csrf_ok(seen.csrf, headers.get(CSRF_HEADER)):
                return 403, "missing or wrong CSRF token (X-CSRF-Token)", {}
            return None
        if where == "header" and (seen.via == "token" or (seen.via == "session" and not headers.get("authorization"))):
            return 403, "adding sources and articles needs an admin account or the server's write token", {}
        try:
            if where == "header":
                authenticate(reader.token, bearer(headers.get("authorization")), app.state.limits["auth"], client)
            elif not reader.token:
                authenticate(None, None, app.state.limits["auth"], client)
            else:
                check_attempts(app.state.limits["auth"], client)
        except TokenError as exc:
            return exc.status, exc.message, exc.headers
        return None

    async def refuse(scope: dict, send, refusal: Refusal) -> None:
        status, message, headers = refusal
        request = Request(scope)
        response = error(request, status, message, {**headers, "Connection": "close"})
        await response(scope, _no_body, send)

    app.add_middleware(RequestGuard, max_body=max_body + FORM_OVERHEAD, check=before_body, refuse=refuse)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestTimer, observe=app.state.metrics.observe)  # outermost: refusals are timed too

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        """200 while the database answers (and how the worker in this process is), else 503."""
        worker = app.state.worker
        try:
            body = health(app.state.reader.store(), getattr(worker, "name", None))
        except Exception:  # noqa: BLE001 - whatever the cause, the database cannot be read
            log.warning("health check: the database could not be read", exc_info=True)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503,
                                headers={"Cache-Control": "no-store", "Retry-After": "10"})
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.get("/metrics", include_in_schema=False)
    def metrics():
        return Response(app.state.metrics.exposition(), media_type=METRICS_TYPE,
                        headers={"Cache-Control": "no-store"})

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.startswith("/api/") or path == "/api" or path.endswith(".json")

    def error(request: Request, status: int, message: str, headers=None, details=None):
        if wants_json(request):
            return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)
        from storyline.web.templating import render
        return HTMLResponse(render(request, "error.html", status=status, message=message),
                            status_code=status, headers=headers)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        from urllib.parse import urlencode

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}) if target != "/" else "/login",
                                status_code=303, headers={"Cache-Control": "no-store"})

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error(request, exc.status, exc.message, exc.headers, exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        if exc.status_code == 404 and exc.detail and exc.detail != "Not Found":
            message = str(exc.detail)
        return error(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        text = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in problems)
        if not wants_json(request) and any(e.get("loc", ("",))[0] == "path" for e in problems):
            return error(request, 404, "not found")
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in problems]
        return error(request, 422, f"invalid request: {text}", details=details)

    @app.exception_handler(SearchInterrupted)
    async def search_interrupted(request: Request, exc: SearchInterrupted):
        return error(request, 503, str(exc), {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "internal error")

    return app


class RequestTimer:
    """Pure ASGI middleware timing every request by its route template
    ("/stories/{story_id}": the router leaves its route in the scope)."""

    def __init__(self, app, *, observe):
        self.app = app
        self.observe = observe

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root = scope.get("root_path", "")
        try:
            await self.app(scope, receive, send)
        finally:
            self.observe(_route_template(scope, root), scope["method"], time.perf_counter() - started)


def _route_template(scope: dict, root: str) -> str | None:
    """The route's path template; for a mounted app (static files) its mount
    point, which the router added to root_path; None when nothing matched."""
    route = scope.get("route")
    if route is not None:
        return getattr(route, "path", None)
    mounted = scope.get("root_path", "")
    if mounted != root and mounted.startswith(root):
        return mounted[len(root):] + "/{path}"
    return None


async def _no_body() -> dict:
    return {"type": "http.disconnect"}


def _seconds_from_env(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 3600:
        raise ValueError(f"{name} must be a number of seconds between 0 and 3600, not {value!r}")
    return seconds


def _rates_from_env(rates: dict[str, tuple[int, float]]) -> dict[str, tuple[int, float]]:
    """$STORYLINE_SEARCH_RATE, _WRITE_RATE, _SUMMARY_RATE, _AUTH_RATE: requests a minute per client."""
    out = dict(rates)
    for kind in rates:
        name = f"STORYLINE_{kind.upper()}_RATE"
        value = os.environ.get(name, "").strip()
        if value:
            if not value.isdigit() or not 0 < int(value) <= 1_000_000:
                raise ValueError(f"{name} must be a whole number of requests a minute (1 to 1000000), not {value!r}")
            out[kind] = (int(value), 60.0)
    return out


def app_from_env() -> FastAPI:
    """For `uvicorn --factory storyline.web.app:app_from_env` (several workers)."""
    settings = FetchSettings()
    return create_app(os.environ["STORYLINE_DB"], token=os.environ.get("STORYLINE_TOKEN") or None,
                      settings=settings)
