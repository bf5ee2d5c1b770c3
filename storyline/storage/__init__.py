"""Persistence behind one small interface (SQLite now; PostgreSQL shares it)."""
from __future__ import annotations


class StorageError(ValueError):
    """The database cannot be used (not a database, damaged, a folder, not
    writable, another program's database); the message is one line for the operator."""


# After StorageError: the store raises it.
from storyline.storage.sqlite import SQLiteStore  # noqa: E402


def open_store(location: str) -> SQLiteStore:
    """A store for a path or a sqlite:/// URL; StorageError when it cannot be used."""
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    elif "://" in location:
        scheme = location.split("://", 1)[0]
        raise StorageError(f"unsupported database URL scheme {scheme!r} (use a file path)")
    return SQLiteStore(location)


__all__ = ["SQLiteStore", "StorageError", "open_store"]
