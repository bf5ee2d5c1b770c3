"""The web reader and JSON API as one ASGI app: `create_app(db)`."""
from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.api import ApiError, error_body, router as api_router
from storyline.config import FetchSettings
from storyline.web.reader import Reader
from storyline.web.security import RateLimiter, SecurityHeaders

HERE = Path(__file__).resolve().parent
log = logging.getLogger("storyline.web")

# Writes (new sources and articles) and summary requests, per client address.
WRITE_RATE = (20, 60.0)  # 20 a minute, in bursts of up to 20
SUMMARY_RATE = (60, 60.0)


def create_app(db: str, *, token: str | None = None, settings: FetchSettings | None = None,
               write_rate: tuple[int, float] = WRITE_RATE,
               summary_rate: tuple[int, float] = SUMMARY_RATE) -> FastAPI:
    """The reader over the SQLite file `db`. Writes need `token` (none: writes refused)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.reader.close()

    app = FastAPI(title="Storyline", version=__version__,
                  description="No time to read? Get a summary. The JSON API of a Storyline reader.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan)
    app.state.reader = Reader(db, token=token, settings=settings)
    app.state.limits = {
        "write": RateLimiter(write_rate[0], write_rate[1], burst=write_rate[0]),
        "summary": RateLimiter(summary_rate[0], summary_rate[1], burst=summary_rate[0]),
    }
    app.include_router(api_router)
    from storyline.web.pages import router as pages_router
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders)

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.startswith("/api/") or path == "/api" or path.endswith(".json")

    def error(request: Request, status: int, message: str, headers=None, details=None):
        if wants_json(request):
            return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)
        from storyline.web.pages import render
        return HTMLResponse(render(request, "error.html", status=status, message=message),
                            status_code=status, headers=headers)

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

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "internal error")

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory storyline.web.app:app_from_env` (several workers)."""
    settings = FetchSettings()
    return create_app(os.environ["STORYLINE_DB"], token=os.environ.get("STORYLINE_TOKEN") or None,
                      settings=settings)
