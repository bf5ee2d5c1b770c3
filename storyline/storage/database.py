"""One connection to SQLite or PostgreSQL through SQLAlchemy Core.

SQL is written once, as text with `:name` parameters, in the dialect both
databases share (ON CONFLICT, RETURNING, row values, UPDATE ... FROM); where they
differ (full-text search, the schema's search column) the store asks `dialect`.

Statements outside `transaction()` commit on their own, as SQLite's autocommit
did: the connection runs in AUTOCOMMIT and a transaction is an explicit BEGIN
(IMMEDIATE on SQLite, so two writers queue for the lock instead of failing to
upgrade a read lock), which keeps reads from holding a snapshot open between
requests on either database.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database_url(location: str) -> URL:
    """A file path, `sqlite:///path` or `postgresql://...` as a SQLAlchemy URL
    (PostgreSQL through psycopg 3)."""
    if location.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        url = make_url(location)
        return url.set(drivername="postgresql+psycopg")
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    return URL.create("sqlite", database=location)


def engine_for(url: URL) -> Engine:
    """One engine (and connection pool) per database per process."""
    key = url.render_as_string(hide_password=False)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _make_engine(url)
        return engine


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        # Each store owns its connection for its life (one per web thread), so a
        # pool adds nothing; closing a store closes its file handle.
        engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                  connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            # journal_mode=WAL is set by the store once it knows the file is ours: it
            # rewrites the file's header, and another program's database is left untouched.
            for pragma in ("synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
                dbapi_connection.execute(f"PRAGMA {pragma}")
        return engine
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True,
                            pool_size=5, max_overflow=20,
                            connect_args={"connect_timeout": 10, "application_name": "storyline"})


def dispose_engines() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@lru_cache(maxsize=1024)
def _statement(sql: str, expanding: tuple[str, ...]) -> sa.TextClause:
    clause = sa.text(sql)
    if expanding:
        clause = clause.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return clause


def _prepared(sql: str, params: Mapping | None) -> tuple[sa.TextClause, dict]:
    params = dict(params or {})
    expanding = tuple(sorted(k for k, v in params.items() if isinstance(v, (list, tuple, set, frozenset))))
    for name in expanding:
        params[name] = list(params[name])
    return _statement(sql, expanding), params


class Database:
    """A connection with the few operations the store needs."""

    def __init__(self, url: URL):
        self.url = url
        self.dialect = url.get_backend_name()  # "sqlite" or "postgresql"
        self.engine = engine_for(url)
        self.conn = self.engine.connect()
        self._depth = 0

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def close(self) -> None:
        self.conn.close()

    def dbapi(self):
        """The driver's own connection (sqlite3's progress handler, psycopg's cancel)."""
        return self.conn.connection.dbapi_connection

    def _ready(self) -> sa.Connection:
        """The connection, usable again after the server dropped it (a restart, a
        killed backend): SQLAlchemy marks it invalid, and reconnects once told so."""
        if self.conn.invalidated:
            self.conn.rollback()
            self._depth = 0
        return self.conn

    def rows(self, sql: str, params: Mapping | None = None) -> list[dict]:
        return [dict(r) for r in self._ready().execute(*_prepared(sql, params)).mappings()]

    def row(self, sql: str, params: Mapping | None = None) -> dict | None:
        found = self._ready().execute(*_prepared(sql, params)).mappings().first()
        return dict(found) if found is not None else None

    def scalar(self, sql: str, params: Mapping | None = None):
        return self._ready().execute(*_prepared(sql, params)).scalar()

    def column(self, sql: str, params: Mapping | None = None) -> list:
        return list(self._ready().execute(*_prepared(sql, params)).scalars())

    def stream(self, sql: str, params: Mapping | None = None, batch: int = 500) -> Iterator[list[dict]]:
        """The rows in batches, without holding them all (a server-side cursor on
        PostgreSQL: call it inside transaction())."""
        statement, values = _prepared(sql, params)
        result = self._ready().execute(statement, values, execution_options={"yield_per": batch})
        for part in result.mappings().partitions(batch):
            yield [dict(r) for r in part]

    def execute(self, sql: str, params: Mapping | None = None) -> int:
        """Run one statement; how many rows it changed."""
        return self._ready().execute(*_prepared(sql, params)).rowcount

    def executemany(self, sql: str, params: Sequence[Mapping]) -> None:
        if params:
            self._ready().execute(sa.text(sql), [dict(p) for p in params])

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """One transaction; nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._ready().exec_driver_sql("BEGIN" if self.is_postgres else "BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            if not self.conn.invalidated:  # a dropped connection has no transaction left to undo
                self.conn.exec_driver_sql("ROLLBACK")
            raise
        self._depth = 0
        self.conn.exec_driver_sql("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0
