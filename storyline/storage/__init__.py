"""Persistence behind one small interface (SQLite now; PostgreSQL shares it)."""
from __future__ import annotations

from storyline.storage.sqlite import SQLiteStore


def open_store(location: str) -> SQLiteStore:
    """A store for a path or a sqlite:/// URL."""
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    elif "://" in location:
        scheme = location.split("://", 1)[0]
        raise ValueError(f"unsupported database URL scheme {scheme!r} (use a file path)")
    return SQLiteStore(location)


__all__ = ["SQLiteStore", "open_store"]
