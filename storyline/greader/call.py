"""What every endpoint gets (a Call: the request, its store, user and
parameters) and gives back (plain text or JSON, never cached: it is one
user's own)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from storyline.accounts import User
from storyline.greader.params import Params
from storyline.storage import Store

NO_STORE = {"Cache-Control": "no-store"}


class NotAllowed(Exception):
    """A change sent with GET (or a login: a password in a URL ends up in logs)."""


class RateLimited(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class Call:
    request: Request
    store: Store
    params: Params
    user: User | None = None
    token: str | None = None

    @property
    def base(self) -> str:
        """Where absolute links point, as in the reader's feeds (imported here:
        storyline.web.pages imports the whole web app)."""
        from storyline.web.pages import public_base
        return public_base(self.request).rstrip("/")

    def brief(self, story_id: int) -> dict | None:
        return self.request.app.state.reader.brief(story_id, facts=False)


def text(body: str, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body, status_code=status, media_type="text/plain; charset=utf-8",
                    headers={**NO_STORE, **(headers or {})})


def as_json(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), media_type="application/json",
                    headers=NO_STORE)


def ok() -> Response:
    return text("OK")
