"""One connection to SQLite or PostgreSQL through SQLAlchemy Core.

SQL is written once, as text with `:name` parameters, in the dialect both
databases share (ON CONFLICT, RETURNING, row values, UPDATE ... FROM); where they
differ (full-text search, the schema's search column) the store asks `dialect`.

Statements outside `transaction()` commit on their own, as SQLite's autocommit
did: the connection runs in AUTOCOMMIT and a transaction is an explicit BEGIN
(IMMEDIATE on SQLite, so two writers queue for the lock instead of failing to
upgrade a read lock), which keeps reads from holding a snapshot open between
requests on either database.

The statements themselves skip SQLAlchemy's per-call machinery (about 35 us a
statement, more than most of the reader's queries take in SQLite): each distinct
SQL string is compiled by SQLAlchemy once (so `:name`, `%` and lists in `IN :ids`
become the driver's own form exactly as text() would make them), then run on the
driver's cursor, its errors wrapped as SQLAlchemy wraps them and a dropped
connection invalidated as SQLAlchemy invalidates it.
"""
from __future__ import annotations

import os
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


# SQLite has one writer at a time, and a connection that finds the write lock
# taken sleeps in SQLite's busy handler (1, 2, 5, 10... ms) before it looks again.
# Writers of one process queue on a lock of their own instead, and go as soon as
# it is free; other processes still meet at SQLite's lock. Past WRITER_WAIT the
# transaction goes to SQLite's lock anyway (and its busy_timeout), as before.
WRITER_WAIT = 30.0
_writer_locks: dict[str, threading.RLock] = {}


def _writers_of(url: URL) -> threading.RLock | None:
    path = url.database or ""
    if path in ("", ":memory:"):
        return None
    with _engines_lock:
        return _writer_locks.setdefault(os.path.realpath(path), threading.RLock())


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


_LISTS = (list, tuple, set, frozenset)  # values of `IN :name`, one placeholder each


def _prepared(sql: str, params: Mapping | None) -> tuple[sa.TextClause, dict]:
    params = dict(params or {})
    expanding = tuple(sorted(k for k, v in params.items() if isinstance(v, _LISTS)))
    for name in expanding:
        params[name] = list(params[name])
    return _statement(sql, expanding), params


class _StandIn:
    """A value that remembers which parameter (and list item) it stands for."""
    __slots__ = ("name", "index")

    def __init__(self, name: str, index: int | None):
        self.name, self.index = name, index


@lru_cache(maxsize=4096)
def _driver_form(dialect, sql: str, names: tuple[str, ...], lists: tuple[tuple[str, int], ...]):
    """(the driver's SQL, whether its parameters are positional, and for each
    placeholder: (driver's name, our name, list index or None)) for `sql` with
    these parameter names and list lengths. SQLAlchemy's compiler makes it, with
    stand-ins for the values, so the form is the one text() executes."""
    expanding = tuple(name for name, _ in lists)
    compiled = _statement(sql, expanding).compile(dialect=dialect)
    stand_ins = {name: _StandIn(name, None) for name in names}
    stand_ins.update({name: [_StandIn(name, i) for i in range(length)] for name, length in lists})
    if expanding:
        state = compiled.construct_expanded_state(stand_ins)
        statement, values, order = state.statement, state.parameters, state.positiontup
    else:
        statement, values, order = compiled.string, compiled.construct_params(stand_ins), compiled.positiontup
    order = order if compiled.positional else list(values)
    return statement, compiled.positional, tuple((key, values[key].name, values[key].index) for key in order)


class Database:
    """A connection with the few operations the store needs."""

    def __init__(self, url: URL):
        self.url = url
        self.dialect = url.get_backend_name()  # "sqlite" or "postgresql"
        self.engine = engine_for(url)
        self.conn = self.engine.connect()
        self._depth = 0
        self._writers = _writers_of(url) if self.dialect == "sqlite" else None

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

    # -- statements on the driver's cursor ---------------------------------------------------

    def _driver_call(self, sql: str, params: Mapping | None) -> tuple[str, tuple | dict]:
        """The driver's SQL and parameters for one call."""
        params = params or {}
        names, lists = [], []
        for name, value in params.items():
            if isinstance(value, _LISTS):
                lists.append((name, len(value)))
            else:
                names.append(name)
        try:
            statement, positional, recipe = _driver_form(self.engine.dialect, sql, tuple(names), tuple(sorted(lists)))
        except sa.exc.InvalidRequestError as exc:  # a parameter missing: as Connection.execute reports it
            raise sa.exc.StatementError(str(exc.args[0]) if exc.args else str(exc), sql, dict(params), exc) from None
        if lists:
            params = {**params, **{name: list(params[name]) for name, _ in lists}}
        values = [params[name] if index is None else params[name][index] for _, name, index in recipe]
        return statement, tuple(values) if positional else dict(zip((key for key, _, _ in recipe), values))

    def _run(self, sql: str, params: Mapping | None, fetch, many: Sequence[Mapping] | None = None):
        """Run one statement on the driver's cursor and `fetch(cursor)` its result;
        driver errors come out as SQLAlchemy's (sqlalchemy.exc.IntegrityError...)."""
        connection = self._ready()
        statement, values = self._driver_call(sql, params if many is None else many[0])
        raw = connection.connection.dbapi_connection
        cursor = None
        try:
            cursor = raw.cursor()
            if many is None:
                cursor.execute(statement, values)
            else:
                cursor.executemany(statement, [values] + [self._driver_call(sql, p)[1] for p in many[1:]])
            return fetch(cursor)
        except BaseException as exc:
            self._raise(exc, statement, values, raw, cursor)
        finally:
            if cursor is not None:
                try:
                    cursor.close()
                except Exception:  # noqa: BLE001 - its connection was closed (invalidated) just now
                    pass

    def _raise(self, exc: BaseException, statement: str, values, raw, cursor) -> None:
        """As SQLAlchemy does: a driver error wrapped (its `orig` the driver's), and
        the connection invalidated when it is gone (or an interrupt left it unknown)."""
        dialect = self.engine.dialect
        driver_error = isinstance(exc, dialect.loaded_dbapi.Error)
        gone = (driver_error and dialect.is_disconnect(exc, raw, cursor)) or not isinstance(exc, Exception)
        if gone and not self.conn.invalidated:
            self.conn.invalidate(exc)
        if not driver_error:
            raise exc
        raise sa.exc.DBAPIError.instance(statement, values, exc, dialect.loaded_dbapi.Error, dialect=dialect,
                                         connection_invalidated=gone) from exc

    def rows(self, sql: str, params: Mapping | None = None) -> list[dict]:
        return self._run(sql, params, _all_rows)

    def row(self, sql: str, params: Mapping | None = None) -> dict | None:
        return self._run(sql, params, _first_row)

    def scalar(self, sql: str, params: Mapping | None = None):
        return self._run(sql, params, _first_value)

    def column(self, sql: str, params: Mapping | None = None) -> list:
        return self._run(sql, params, _first_column)

    def stream(self, sql: str, params: Mapping | None = None, batch: int = 500) -> Iterator[list[dict]]:
        """The rows in batches, without holding them all (a server-side cursor on
        PostgreSQL: call it inside transaction())."""
        statement, values = _prepared(sql, params)
        result = self._ready().execute(statement, values, execution_options={"yield_per": batch})
        for part in result.mappings().partitions(batch):
            yield [dict(r) for r in part]

    def execute(self, sql: str, params: Mapping | None = None) -> int:
        """Run one statement; how many rows it changed."""
        return self._run(sql, params, _rowcount)

    def executemany(self, sql: str, params: Sequence[Mapping]) -> None:
        if params:
            self._run(sql, None, _rowcount, many=list(params))

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
        queued = self._writers is not None and self._writers.acquire(timeout=WRITER_WAIT)
        try:
            self.execute("BEGIN" if self.is_postgres else "BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                if not self.conn.invalidated:  # a dropped connection has no transaction left to undo
                    self.execute("ROLLBACK")
                raise
            self._depth = 0
            self.execute("COMMIT")
        finally:
            if queued:
                self._writers.release()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0


def _names(cursor) -> list[str]:
    if cursor.description is None:
        raise sa.exc.ResourceClosedError("This result object does not return rows.")
    return [column[0] for column in cursor.description]


def _all_rows(cursor) -> list[dict]:
    names = _names(cursor)
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _first_row(cursor) -> dict | None:
    names = _names(cursor)
    row = cursor.fetchone()
    return dict(zip(names, row)) if row is not None else None


def _first_value(cursor):
    _names(cursor)
    row = cursor.fetchone()
    return row[0] if row is not None else None


def _first_column(cursor) -> list:
    _names(cursor)
    return [row[0] for row in cursor.fetchall()]


def _rowcount(cursor) -> int:
    return cursor.rowcount
