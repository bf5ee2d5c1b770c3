"""Who is calling: ClientLogin (name and password -> an API token labelled
"greader"), the `Authorization: GoogleLogin auth=TOKEN` header (any of the
user's API tokens), and the edit token (`T=`), derived from the caller's own
auth token so the server keeps nothing more.

Failed logins and unknown tokens spend the client's failed-attempt allowance
(the one the write token uses); past it, every attempt gets 429 for a while.

A server without accounts (local mode, `./run demo`) has one implicit user,
and only on its own machine: there a client logs in with any name and password,
and every call it makes is the local user's, as in the web reader.
"""
from __future__ import annotations

import hashlib
import hmac

from storyline import accounts
from storyline.accounts import User
from storyline.storage import Store

LABEL = "greader"
LOCAL_AUTH = "local"  # the Auth of local mode: it names no token, and opens nothing elsewhere
KEPT_TOKENS = 20  # newsboat logs in on every run: keep each user's most recently used greader tokens


class AuthError(Exception):
    def __init__(self, status: int = 401, message: str = "Unauthorized", headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def presented_token(header: str | None) -> str | None:
    """The token of `GoogleLogin auth=TOKEN` (or `Bearer TOKEN`)."""
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    rest = rest.strip()
    if scheme.lower() == "googlelogin" and rest[:5].lower() == "auth=":
        return rest[5:].strip() or None
    if scheme.lower() == "bearer":
        return rest or None
    return None


def edit_token(auth_token: str) -> str:
    """The `T=` token for POSTs (57 characters, as Google's were): one-way from
    the auth token, so it may show up in a logged form body without giving it away."""
    return hmac.new(auth_token.encode(), b"storyline greader edit token", hashlib.sha256).hexdigest()[:57]


def edit_token_ok(auth_token: str, presented: str | None) -> bool:
    """A wrong T is refused. None sent is allowed, as FreshRSS allows it for
    clients that never fetch one: the Authorization header alone authenticates
    every call, and no browser sends it across sites, so T guards nothing more."""
    if presented is None or presented.strip() == "":
        return True
    return hmac.compare_digest(edit_token(auth_token).encode(), presented.strip().encode("utf-8", "replace"))


def _throttle(limiter, client: str) -> None:
    wait = limiter.wait(client) if limiter is not None else 0
    if wait:
        seconds = max(1, int(wait + 0.999))
        raise AuthError(429, f"too many failed attempts: try again in {seconds} s", {"Retry-After": str(seconds)})


def _failed(limiter, client: str) -> AuthError:
    if limiter is not None:
        limiter.allow(client)
    return AuthError()


def local_user_here(store: Store, headers, client: str | None) -> User | None:
    """The implicit local user, for a request from this machine to a server without
    accounts — but not for a browser sending another site's form or script here
    (apps send no Origin; a page of another site would act as the local user)."""
    from storyline.web.identity import from_this_machine, loopback_origin  # the web reader's own rules

    if accounts.local_mode(store) and from_this_machine(headers, client) and loopback_origin(headers):
        return accounts.local_user(store)
    return None


def login(store: Store, name: str, password: str, limiter, client: str, headers=None) -> str:
    """A new auth token for the user whose password this is."""
    if headers is not None and local_user_here(store, headers, client) is not None:
        return LOCAL_AUTH
    _throttle(limiter, client)
    user = accounts.authenticate(store, name, password)
    if user is None:
        raise _failed(limiter, client)
    token = accounts.issue_token(store, user, label=LABEL)
    _prune(store, user)
    return token


def _prune(store: Store, user: User) -> None:
    mine = [t for t in store.tokens(user.id) if t["label"] == LABEL]
    mine.sort(key=lambda t: (max(t["last_used"] or "", t["created"]), t["id"]), reverse=True)
    for old in mine[KEPT_TOKENS:]:
        store.revoke_token(user.id, old["id"])


def caller(store: Store, headers, limiter, client: str) -> tuple[User, str]:
    """(user, auth token) of the Authorization header; AuthError otherwise."""
    token = presented_token(headers.get("authorization"))
    local = local_user_here(store, headers, client)
    if local is not None:
        return local, token or LOCAL_AUTH
    if token is None:
        raise AuthError()
    _throttle(limiter, client)
    user = accounts.token_user(store, token)
    if user is None:
        raise _failed(limiter, client)
    return user, token
