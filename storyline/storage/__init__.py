"""Persistence behind one small interface, on SQLite (a file, the default) or
PostgreSQL (a postgresql:// URL), with one schema kept by Alembic."""
from __future__ import annotations

from pathlib import Path


class StorageError(ValueError):
    """The database cannot be used (not a database, damaged, a folder, not
    writable, another program's database, unreachable); the message is one
    line for the operator."""


# After StorageError: the store raises it.
from storyline.storage.store import Store  # noqa: E402


def open_store(location: str | Path) -> Store:
    """A store for a file path, a sqlite:/// URL or a postgresql:// URL;
    StorageError when it cannot be used."""
    location = str(location)
    if "://" in location and not location.startswith(("sqlite:///", "postgresql://", "postgres://",
                                                      "postgresql+psycopg://")):
        scheme = location.split("://", 1)[0]
        raise StorageError(f"unsupported database URL scheme {scheme!r} (use a file path or postgresql://)")
    return Store(location)


__all__ = ["Store", "StorageError", "open_store"]
