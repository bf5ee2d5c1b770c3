"""Security for the reader and the API: headers (a strict Content-Security-Policy),
the write token (compared in constant time, failed attempts throttled), rate
limits, and a guard that refuses request bodies by size and by authentication
before reading them."""
from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-src 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class SecurityHeaders:
    """Pure ASGI middleware (no body buffering) adding the headers to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [h for h in HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TokenError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or ({"WWW-Authenticate": 'Bearer realm="storyline"'} if status == 401 else {})


def check_token(configured: str | None, presented: str | None) -> None:
    """Raise TokenError unless `presented` is the configured write token.
    No token configured: every write is refused (403)."""
    if not configured:
        raise TokenError(403, "writes are disabled: the server has no write token "
                              "(start it with --token or STORYLINE_TOKEN)")
    if not presented:
        raise TokenError(401, "this needs the write token (Authorization: Bearer <token>)")
    if not hmac.compare_digest(presented.encode("utf-8"), configured.encode("utf-8")):
        raise TokenError(403, "wrong write token")


def check_attempts(failures: "RateLimiter", client: str) -> None:
    """TokenError 429 while `client` has used up its failed write attempts."""
    wait = failures.wait(client)
    if wait:
        seconds = max(1, int(wait + 0.999))
        raise TokenError(429, f"too many failed write attempts: try again in {seconds} s",
                         {"Retry-After": str(seconds)})


def authenticate(configured: str | None, presented: str | None, failures: "RateLimiter", client: str) -> None:
    """check_token, with failed attempts rate limited per client: a client
    over its limit gets 429 before its token is even compared."""
    if configured:
        check_attempts(failures, client)
    try:
        check_token(configured, presented)
    except TokenError:
        if configured:
            failures.allow(client)  # spend one of the client's attempts
        raise


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


class RateLimiter:
    """A token bucket per client: `rate` requests per `per` seconds, bursts up to `burst`."""

    def __init__(self, rate: float, per: float = 60.0, burst: int | None = None, max_clients: int = 10000):
        self.refill = rate / per
        self.burst = float(burst if burst is not None else max(1, int(rate)))
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()
        self.max_clients = max_clients

    def wait(self, client: str) -> float:
        """The seconds before `client` may make a request (0: now), without spending one."""
        with self.lock:
            tokens, last = self.buckets.get(client, (self.burst, time.monotonic()))
        tokens = min(self.burst, tokens + (time.monotonic() - last) * self.refill)
        if tokens >= 1:
            return 0.0
        return (1 - tokens) / self.refill if self.refill else 3600.0

    def allow(self, client: str) -> float:
        """0 when allowed; else the seconds to wait before the next request."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.refill)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                allowed = 0.0
            else:
                self.buckets[client] = (tokens, now)
                allowed = (1 - tokens) / self.refill if self.refill else 3600.0
            if len(self.buckets) > self.max_clients:  # forget the idlest clients
                for key in sorted(self.buckets, key=lambda k: self.buckets[k][1])[: self.max_clients // 2]:
                    del self.buckets[key]
            return allowed


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body over {limit:,} bytes")


Refusal = tuple[int, str, dict[str, str]]  # status, message, headers


class RequestGuard:
    """Pure ASGI middleware that refuses a request before reading its body:
    a Content-Length over `max_body` (413), or whatever `check(scope, headers)`
    refuses (writes without the right token); a body sent without a length is
    counted as it streams and BodyTooLarge (413) is raised past `max_body`.
    `refuse(scope, send, refusal)` writes the error response."""

    def __init__(self, app, *, max_body: int, check: Callable[[dict, Headers], Refusal | None],
                 refuse: Callable[[dict, Callable, Refusal], Awaitable[None]]):
        self.app = app
        self.max_body = max_body
        self.check = check
        self.refuse = refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._declared_size(headers) or self.check(scope, headers)
        if refusal:
            await self.refuse(scope, send, refusal)
            return
        received = 0
        over = False
        started = False

        async def counted_receive():
            nonlocal received, over
            if over:  # the app was told once; it gets no more of the body
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    over = True
                    raise BodyTooLarge(self.max_body)
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await self.refuse(scope, send, (413, exc.detail, {}))

    def _declared_size(self, headers: Headers) -> Refusal | None:
        length = headers.get("content-length")
        if length is None:
            return None
        digits = length.strip()
        if not (digits.isascii() and digits.isdigit()):
            return 400, "bad Content-Length", {}
        if len(digits) > 18 or int(digits) > self.max_body:
            return 413, f"request body over {self.max_body:,} bytes", {}
        return None
