"""Who is asking: the viewer of a request, for the pages and the JSON API.

- A server with accounts (someone can log in): a session cookie or a per-user
  API token (`Authorization: Bearer`) names the user; anyone else is sent to
  /login (pages) or gets 401 (API).
- A server without accounts (local mode, `./run demo`): a request from this
  machine acts as the implicit local user, anyone else reads without state.
  "From this machine" means a loopback peer, a loopback Host (a DNS-rebound
  name is not one) and no proxy forwarding headers.

The server's write token (`--token`) is not a user: it only passes the two
writes it always passed (adding sources and articles), for scripts.
"""
from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser

from storyline import accounts
from storyline.accounts import User
from storyline.web import queries
from storyline.web.security import TokenError, bearer, check_attempts

SESSION_COOKIE = "storyline_session"
LOGIN_COOKIE = "storyline_login"  # double-submit token of the login form (before any session)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
FORWARDED = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")
# The writes guarded by the server's write token (or an admin), checked before
# their body is read: where the token comes from.
WRITE_ROUTES = {("POST", "/api/sources"): "header", ("POST", "/api/articles"): "header",
                ("POST", "/sources"): "form"}


@dataclass(frozen=True)
class Viewer:
    user: User | None
    csrf: str | None  # the token forms must carry (sessions and the local user)
    via: str  # "session", "token", "local" or "anonymous"
    accounts: bool  # the server has accounts (not local mode)
    bad_token: bool = False  # a bearer token that is neither a user's nor the write token

    @property
    def may_add_sources(self) -> bool:
        """Admins who logged in (or use their API token) add sources without the write token."""
        return self.user is not None and self.user.admin and self.via in ("session", "token")


class LoginRequired(Exception):
    """A page asked for by nobody on a server with accounts: go to /login."""


def is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def loopback_host(host_header: str | None) -> bool:
    """Host: localhost, *.localhost or a loopback address, with or without a port."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host == "localhost" or host.endswith(".localhost") or is_loopback(host)


def loopback_origin(headers: Headers) -> bool:
    """No sign of a browser page of another site: no Origin or a loopback one,
    and no Sec-Fetch-Site saying cross-site."""
    if (headers.get("sec-fetch-site") or "").lower() == "cross-site":
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    return loopback_host(urlsplit(origin).netloc) if origin.startswith(("http://", "https://")) else False


def has_credentials(app, headers: Headers) -> bool:
    """A session cookie, or a bearer token that is not the server's write token."""
    if SESSION_COOKIE in cookie_parser(headers.get("cookie", "")):
        return True
    presented = bearer(headers.get("authorization"))
    write_token = app.state.reader.token
    return bool(presented) and not (write_token and hmac.compare_digest(presented.encode(), write_token.encode()))


def from_this_machine(headers: Headers, client: str | None) -> bool:
    return is_loopback(client) and loopback_host(headers.get("host")) and not any(h in headers for h in FORWARDED)


def resolve(app, headers: Headers, client: str | None, store=None) -> Viewer:
    """The viewer of a request, from its headers and peer address."""
    store = store or app.state.reader.store()
    presented = bearer(headers.get("authorization"))
    bad_token = False
    write_token = app.state.reader.token
    if presented and not (write_token and hmac.compare_digest(presented.encode(), write_token.encode())):
        user = accounts.token_user(store, presented)
        if user is not None:
            return Viewer(user, None, "token", not accounts.local_mode(store))
        bad_token = True
    if not accounts.local_mode(store):
        found = accounts.session_user(store, cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE))
        if found is not None:
            return Viewer(found[0], found[1], "session", True)
        return Viewer(None, None, "anonymous", True, bad_token)
    if from_this_machine(headers, client):
        user, csrf = local_identity(app, store)
        return Viewer(user, csrf, "local", False, bad_token)
    return Viewer(None, None, "anonymous", False, bad_token)


def local_identity(app, store) -> tuple[User, str]:
    cached = getattr(app.state, "local_identity", None)
    if cached is None:
        user = accounts.local_user(store)
        cached = app.state.local_identity = (user, queries.local_csrf(store, user))
    return cached


def viewer(request: Request) -> Viewer:
    """The request's viewer (resolved once per request)."""
    found = getattr(request.state, "viewer", None)
    if found is None:
        found = request.state.viewer = resolve(request.app, request.headers,
                                               request.client.host if request.client else None)
    return found


def client_of(request) -> str:
    return request.client.host if request.client else "unknown"


def gate(request: Request) -> Viewer:
    """Every page and API route but login and the token-guarded writes: on a
    server with accounts, nobody gets in without a session or an API token.
    A wrong API token spends one of the client's failed attempts (429 past them)."""
    from storyline.api import ApiError

    seen = viewer(request)
    if (request.method, request.url.path) in WRITE_ROUTES:
        return seen  # the write token or an admin: checked by the route (and before its body)
    if seen.accounts and seen.bad_token:
        failures = request.app.state.limits["auth"]
        try:
            check_attempts(failures, client_of(request))
        except TokenError as exc:
            raise ApiError(exc.status, exc.message.replace("write", "token"), headers=exc.headers) from None
        failures.allow(client_of(request))
        raise ApiError(401, "unknown API token", headers={"WWW-Authenticate": 'Bearer realm="storyline"'})
    if seen.accounts and seen.user is None:
        if request.url.path.startswith("/api/") or request.url.path.endswith((".json", ".rss", ".atom")):
            raise ApiError(401, "log in, or send a user's API token (Authorization: Bearer <token>)",
                           headers={"WWW-Authenticate": 'Bearer realm="storyline"'})
        raise LoginRequired()
    return seen


def require_user(request) -> User:
    """The viewer's user; 401 or 403 when there is none."""
    from storyline.api import ApiError

    seen = viewer(request)
    if seen.user is None:
        if seen.accounts:
            raise ApiError(401, "log in first", headers={"WWW-Authenticate": 'Bearer realm="storyline"'})
        raise ApiError(403, "this server keeps read and saved state only for its local user, "
                            "on the machine it runs on (create an account with `storyline user add`)")
    return seen.user


def require_csrf(request, presented: str | None = None) -> None:
    """A state change by a session (or the local user) must carry its CSRF token,
    in the form or the X-CSRF-Token header; API tokens need none."""
    from storyline.api import ApiError

    seen = viewer(request)
    if seen.via == "token":
        return
    if not accounts.csrf_ok(seen.csrf, presented or request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "missing or wrong CSRF token: reload the page and try again")


def state_writer(request, presented: str | None = None) -> User:
    """The user whose state a request changes, after the CSRF check."""
    user = require_user(request)
    require_csrf(request, presented)
    return user


def secure_cookies(request) -> bool:
    """Cookies get Secure when the request came over https or the public address is https."""
    base = request.app.state.base_url or ""
    return request.url.scheme == "https" or base.lower().startswith("https://")
