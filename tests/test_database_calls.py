"""storyline.storage.database: statements run on the driver's cursor behave as
SQLAlchemy's text() did, on SQLite and PostgreSQL (parameters, lists, `%`,
results, errors, transactions, a dropped connection), and SQLite writers of one
process queue for the write lock."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy.exc

from storyline.storage import Store

CREATED = "2026-11-20T08:00:00Z"


def _outlets(store: Store, *names: str) -> list[int]:
    return [store.db.scalar("INSERT INTO outlets (name, created) VALUES (:name, :created) RETURNING id",
                            {"name": name, "created": CREATED}) for name in names]


def test_results_parameters_and_lists(store):
    ids = _outlets(store, "Harbour Post", "Valley Wire", "Ridge Times")
    db = store.db
    assert db.rows("SELECT id, name FROM outlets WHERE id IN :ids ORDER BY id", {"ids": ids[:2]}) == [
        {"id": ids[0], "name": "Harbour Post"}, {"id": ids[1], "name": "Valley Wire"}]
    # tuples and sets are lists too; a parameter may appear twice; unused ones are ignored
    assert db.column("SELECT name FROM outlets WHERE id IN :ids AND (name = :a OR name = :a OR :a = 'x') "
                     "ORDER BY name", {"ids": set(ids), "a": "Ridge Times", "unused": 1}) == ["Ridge Times"]
    assert db.column("SELECT id FROM outlets WHERE id IN :ids ORDER BY id", {"ids": tuple(ids[1:])}) == ids[1:]
    assert db.row("SELECT name FROM outlets WHERE id = :id", {"id": ids[2]}) == {"name": "Ridge Times"}
    assert db.row("SELECT name FROM outlets WHERE id = :id", {"id": -1}) is None
    assert db.scalar("SELECT COUNT(*) FROM outlets WHERE name LIKE '%Post' OR name LIKE :p", {"p": "%Wire%"}) == 2
    assert db.scalar("SELECT name FROM outlets WHERE name LIKE '%' || :part || '%'", {"part": "idge"}) == "Ridge Times"
    assert db.scalar("SELECT CAST(:n AS INTEGER) + 1", {"n": 41}) == 42
    assert db.scalar("SELECT id FROM outlets WHERE id = -1") is None
    assert db.execute("UPDATE outlets SET domain = :d WHERE id IN :ids", {"d": "x.example", "ids": ids}) == 3
    db.executemany("UPDATE outlets SET domain = :d WHERE id = :id",
                   [{"d": "harbour.example", "id": ids[0]}, {"d": "valley.example", "id": ids[1]}])
    assert db.column("SELECT domain FROM outlets ORDER BY id") == ["harbour.example", "valley.example", "x.example"]
    with pytest.raises(sqlalchemy.exc.StatementError):
        db.rows("SELECT :a, :b", {"a": 1})  # a parameter the SQL names and the call does not give
    with pytest.raises(sqlalchemy.exc.ResourceClosedError):
        db.rows("UPDATE outlets SET domain = NULL WHERE id = -1")  # no rows to return


def test_driver_errors_come_out_as_sqlalchemys(store):
    _outlets(store, "Harbour Post")
    with pytest.raises(sqlalchemy.exc.IntegrityError) as caught:
        _outlets(store, "Harbour Post")
    assert caught.value.orig is not None  # the driver's own error
    with pytest.raises(sqlalchemy.exc.ProgrammingError if store.dialect == "postgresql"
                       else sqlalchemy.exc.OperationalError):
        store.db.rows("SELEC 1")
    assert store.db.scalar("SELECT COUNT(*) FROM outlets") == 1  # the connection is still usable


def test_transactions_commit_roll_back_and_nest(store):
    with store.transaction():
        _outlets(store, "Harbour Post")
        with store.transaction():  # joins the outer one
            _outlets(store, "Valley Wire")
    with pytest.raises(RuntimeError):
        with store.transaction():
            _outlets(store, "Ridge Times")
            raise RuntimeError("undo")
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        with store.transaction():
            _outlets(store, "Lake Courier")
            _outlets(store, "Harbour Post")  # a unique name taken: the whole transaction goes
    assert store.db.column("SELECT name FROM outlets ORDER BY name") == ["Harbour Post", "Valley Wire"]
    assert not store.db.in_transaction


def test_a_dropped_postgresql_connection_is_replaced(postgres):
    name = f"dropped_{time.monotonic_ns()}"
    with Store(postgres.create_database(name, template="template_storyline")) as store:
        _outlets(store, "Harbour Post")
        with postgres._admin_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid != pg_backend_pid()", (name,))
        with pytest.raises(sqlalchemy.exc.DBAPIError) as caught:
            store.db.scalar("SELECT COUNT(*) FROM outlets")
        assert caught.value.connection_invalidated and store.db.conn.invalidated
        assert store.db.scalar("SELECT COUNT(*) FROM outlets") == 1  # reconnected
        with store.transaction():
            _outlets(store, "Valley Wire")
        assert store.db.scalar("SELECT COUNT(*) FROM outlets") == 2


@pytest.mark.sqlite_only
def test_sqlite_writers_of_one_process_take_turns(database):
    """Eight threads, each with its own connection, each writing in transactions
    that hold the write lock a while: none fails, none is lost."""
    with Store(database) as store:
        _outlets(store, "Harbour Post")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with Store(database) as mine:
                for k in range(5):
                    with mine.transaction():
                        _outlets(mine, f"Outlet {n}-{k}")
                        time.sleep(0.002)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with Store(database) as store:
        assert store.scalar("SELECT COUNT(*) FROM outlets") == 1 + 8 * 5
