"""Creating and upgrading the schema with Alembic, on SQLite or PostgreSQL.

Opening a store checks one row (`alembic_version`) and runs Alembic only when
the database is behind, inside one transaction that also holds the database's
write lock (SQLite's BEGIN IMMEDIATE, an advisory lock on PostgreSQL), so
processes opening a new database at once migrate it once. Files written before
Alembic (a `schema_migrations` table) are brought to its baseline first.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from storyline.storage.database import Database

HEAD = "0005"  # the newest revision under alembic/versions (a test keeps the two in step)
SCRIPTS = Path(__file__).with_name("alembic")
MIGRATION_LOCK = 7_041_993  # any number; other programs sharing the database would need to pick another


class SchemaTooNew(Exception):
    """The database was written by a newer Storyline."""


class ForeignDatabase(Exception):
    """The database holds another program's tables."""


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = db.conn
    return config


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory(str(SCRIPTS))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current(db: Database) -> str | None:
    """The applied revision, or None for an empty database; ForeignDatabase for a
    database with tables of which none is ours."""
    tables = set(_tables(db))
    if "alembic_version" in tables:
        return db.scalar("SELECT version_num FROM alembic_version")
    if "schema_migrations" in tables:
        return "legacy"
    if tables:
        raise ForeignDatabase()
    return None


def migrate(db: Database) -> bool:
    """Bring the schema to HEAD; whether anything was done."""
    if _revision_or_none(db) == HEAD:
        return False
    with db.transaction():
        if db.is_postgres:
            db.execute("SELECT pg_advisory_xact_lock(:key)", {"key": MIGRATION_LOCK})
        revision = current(db)  # again, under the lock: another process may have done it
        if revision == HEAD:
            return False
        if revision == "legacy":
            _from_legacy(db)
        elif revision is not None and revision not in revisions():
            raise SchemaTooNew(revision)
        command.upgrade(alembic_config(db), "head")
    return True


def _revision_or_none(db: Database) -> str | None:
    try:
        return current(db)
    except ForeignDatabase:
        raise
    except Exception:  # a half-made database: let migrate() look under the lock
        return None


def _tables(db: Database) -> list[str]:
    if db.is_postgres:
        return db.column("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return db.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")


def _from_legacy(db: Database) -> None:
    """A file made before Alembic: apply the old SQLite scripts it lacks (they
    end where the baseline starts), then record the baseline as applied."""
    from storyline.storage.legacy import SQLITE, statements

    done = db.scalar("SELECT MAX(version) FROM schema_migrations") or 0
    if done > len(SQLITE):
        raise SchemaTooNew(f"schema version {done}")
    for script in SQLITE[done:]:
        for statement in statements(script):
            db.conn.exec_driver_sql(statement)
    db.execute("DROP TABLE schema_migrations")
    db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    db.execute("INSERT INTO alembic_version VALUES ('0001')")
