"""`storyline backup FILE`: a consistent copy of the database in a new SQLite file,
taken while other processes keep reading and writing.

SQLite: the online backup API, in one step, so the copy is one snapshot (in WAL
mode readers never block writers, and the step is a read). PostgreSQL: every
table copied (storyline.storage.copy) into the new file inside one REPEATABLE
READ transaction, so every table is read at the same moment; on the server
itself, `pg_dump` is the usual way.

The copy is written to a hidden file beside FILE, opened as a Storyline database
and checked, and only then given its name, so FILE is never half written.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from storyline.storage import Store, open_store
from storyline.storage.copy import copy_database
from storyline.transfer import TransferError, partial_beside

TABLES = ("articles", "stories", "feeds", "outlets", "failures")  # reported; copy_database checks all


def backup(store: Store, destination: str | Path, *, force: bool = False) -> dict:
    """Back the store up to `destination`; what was written (path, method, row counts, size)."""
    path = Path(destination).expanduser()
    _check_destination(store, path, force)
    partial = str(partial_beside(path))
    try:
        if store.dialect == "sqlite":
            method = "sqlite-online-backup"
            with closing(sqlite3.connect(partial)) as target:
                store.db.dbapi().backup(target)
        else:
            method = "postgresql-snapshot-copy"
            _snapshot_copy(store, partial)
        counts = _check(partial)
        _put_in_place(Path(partial), path, force)
    finally:
        for leftover in (partial, partial + "-wal", partial + "-shm", partial + "-journal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return {"backup": str(path), "method": method, "counts": counts, "bytes": path.stat().st_size}


def _check_destination(store: Store, path: Path, force: bool) -> None:
    if path.is_dir():
        raise TransferError(f"{path} is a folder; give the backup's file name")
    if store.dialect == "sqlite" and path.exists() and os.path.samefile(path, store.path):
        raise TransferError(f"{path} is the database being backed up")
    for companion in (Path(f"{path}-wal"), Path(f"{path}-journal")):
        if companion.exists():  # replacing the file would leave its live journal to be applied to the backup
            raise TransferError(f"{companion} exists: {path} looks in use by another program; "
                                "close it or choose another name")
    if path.exists() and not force:
        raise TransferError(f"{path} exists; give --force to replace it")


def _snapshot_copy(store: Store, partial: str) -> None:
    with open_store(partial) as target, store.transaction() as db:
        # First statement of the transaction: every later query sees the same snapshot
        # (PostgreSQL's default, READ COMMITTED, takes a new one per statement).
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        copy_database(store, target)  # joins this transaction


def _check(partial: str) -> dict[str, int]:
    """The copy opens as a Storyline database and SQLite finds it sound; its row counts."""
    with closing(sqlite3.connect(partial)) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise TransferError(f"the backup failed SQLite's integrity check ({verdict}); nothing written")
    with open_store(partial) as copy:
        return {table: copy.scalar(f"SELECT COUNT(*) FROM {table}") for table in TABLES}


def _put_in_place(partial: Path, path: Path, force: bool) -> None:
    if force:
        os.replace(partial, path)
        return
    try:
        os.link(partial, path)  # fails if a file appeared there meanwhile, where a rename would replace it
    except FileExistsError:
        raise TransferError(f"{path} exists; give --force to replace it") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise TransferError(f"{path} exists; give --force to replace it") from None
        os.replace(partial, path)
