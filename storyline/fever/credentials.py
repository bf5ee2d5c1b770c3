"""Fever credentials. A Fever client sends `api_key` = md5("NAME:PASSWORD")
and nothing else, so an argon2 hash of the account's password cannot check it.
As Miniflux does, each user turns Fever on with a password of its own
(`storyline user fever NAME`); the database keeps only the SHA-256 of the api
key (users.fever_key), found by an index in one look-up.

That SHA-256 is a fast hash of a fast hash: the Fever password must not be the
account's password, or a stolen database would expose the account to cheap
guessing that argon2 protects it from.
"""
from __future__ import annotations

import hashlib
import re

from storyline import accounts
from storyline.accounts import AccountError, User
from storyline.storage import Store

_API_KEY = re.compile(r"^[0-9a-fA-F]{32}$")


def api_key(name: str, password: str) -> str:
    """What a Fever client sends for this name and password."""
    return hashlib.md5(f"{name}:{password}".encode()).hexdigest()


def _stored(key: str) -> str:
    return accounts.digest(key.lower())


def _login_user(store: Store, name: str) -> dict:
    row = store.user(name=name)
    if row is None or row["password"] is None:
        raise AccountError(f"no user {name!r}")
    return row


def turn_on(store: Store, name: str, password: str) -> None:
    """Let `name` use the Fever API with this password (replacing an earlier one)."""
    row = _login_user(store, name)
    accounts.check_password(password)
    if accounts.authenticate(store, name, password) is not None:
        raise AccountError("give Fever a password of its own, not the account's: Fever keys are stored "
                           "with a fast hash")
    store.execute("UPDATE users SET fever_key = :key WHERE id = :id", {"key": _stored(api_key(name, password)),
                                                                      "id": row["id"]})


def turn_off(store: Store, name: str) -> None:
    row = _login_user(store, name)
    store.execute("UPDATE users SET fever_key = NULL WHERE id = :id", {"id": row["id"]})


def fever_user(store: Store, key: str | None) -> User | None:
    """The user whose Fever api key this is (only users who can log in)."""
    if not key or not _API_KEY.match(key.strip()):
        return None
    rows = store.rows("SELECT id, name, role FROM users WHERE fever_key = :key AND password IS NOT NULL",
                      {"key": _stored(key.strip())})
    return User(rows[0]["id"], rows[0]["name"], rows[0]["role"]) if rows else None
