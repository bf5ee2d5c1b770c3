"""Security for the reader and the API: headers (a strict Content-Security-Policy),
the write token (compared in constant time) and rate limits."""
from __future__ import annotations

import hmac
import threading
import time

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
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


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
