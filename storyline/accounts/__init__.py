"""Accounts: users with argon2-hashed passwords (argon2-cffi), login sessions,
per-user API tokens, and the implicit local user of a server nobody has an
account on (`./run demo`).

Secrets (session cookies, API tokens) are random, shown once, and stored only
as their SHA-256, so the database never holds anything that opens a session.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storyline.storage import Store

ROLES = ("admin", "reader")
LOCAL_USER = "local"  # the one implicit user when no account can log in; never logs in itself
SESSION_DAYS = 30
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs what a wrong password does.
_DUMMY = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A readable reason (a taken name, a short password, an unknown user)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def check_name(name: str) -> str:
    if not _NAME.match(name or "") or name == LOCAL_USER:
        raise AccountError(f"a user name is 1 to 64 letters, digits and . _ @ -, starting with a letter or digit "
                           f"(and not {LOCAL_USER!r}): not {name!r}")
    return name


def check_password(password: str) -> str:
    if len(password or "") < 8:
        raise AccountError("a password needs at least 8 characters")
    if len(password) > 1024:
        raise AccountError("a password may have at most 1024 characters")
    return password


def create_user(store: Store, name: str, password: str, *, admin: bool = False) -> User:
    check_name(name)
    check_password(password)
    role = "admin" if admin else "reader"
    user_id = store.add_user(name, _hasher.hash(password), role)
    if user_id is None:
        raise AccountError(f"there is already a user {name!r}")
    return User(user_id, name, role)


def change_password(store: Store, name: str, password: str) -> None:
    row = store.user(name=name)
    if row is None or row["password"] is None:
        raise AccountError(f"no user {name!r}")
    store.set_password(row["id"], _hasher.hash(check_password(password)))


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user, if the password is theirs."""
    row = store.user(name=name) if name and name != LOCAL_USER else None
    stored = row["password"] if row and row["password"] else _DUMMY
    try:
        _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row["password"]:
        return None
    if _hasher.check_needs_rehash(stored):
        store.set_password(row["id"], _hasher.hash(password))
    return User(row["id"], row["name"], row["role"])


def local_mode(store: Store) -> bool:
    """No account can log in: the server is one person's (bound to loopback)."""
    return store.count_login_users() == 0


def local_user(store: Store) -> User:
    row = store.user(name=LOCAL_USER)
    if row is None:
        store.add_user(LOCAL_USER, None, "admin")
        row = store.user(name=LOCAL_USER)
    return User(row["id"], row["name"], row["role"])


# -- sessions ---------------------------------------------------------------------------------

def start_session(store: Store, user: User, days: int = SESSION_DAYS) -> tuple[str, str]:
    """(cookie value, CSRF token) of a new session."""
    secret, csrf = new_secret(), new_secret()
    expires = (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.add_session(digest(secret), user.id, csrf, expires)
    return secret, csrf


def session_user(store: Store, cookie: str | None) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session."""
    if not cookie or len(cookie) > 200:
        return None
    row = store.session(digest(cookie))
    if row is None:
        return None
    return User(row["id"], row["name"], row["role"]), row["csrf"]


def end_session(store: Store, cookie: str | None) -> None:
    if cookie and len(cookie) <= 200:
        store.drop_session(digest(cookie))


def csrf_ok(expected: str | None, presented: str | None) -> bool:
    return bool(expected) and bool(presented) and hmac.compare_digest(expected, presented)


# -- API tokens ---------------------------------------------------------------------------------

def issue_token(store: Store, user: User, label: str = "api") -> str:
    """A new API token for the user (shown once)."""
    secret = new_secret()
    store.add_token(user.id, digest(secret), label[:100])
    return secret


def token_user(store: Store, token: str | None) -> User | None:
    if not token or len(token) > 200:
        return None
    row = store.token_user(digest(token))
    return User(row["id"], row["name"], row["role"]) if row else None
