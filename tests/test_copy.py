"""`storyline migrate` and `storyline copy`, between an SQLite file and PostgreSQL
(the `database` fixture gives each test a new one of either kind)."""
from __future__ import annotations

import json

import pytest

from storyline.cli import main
from storyline.ingest import Ingestor
from storyline.storage import StorageError, Store, open_store
from storyline.storage.copy import TABLES, copy_database

from .conftest import DEMO, offline


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _snapshot(store: Store) -> dict:
    """What a reader sees, plus every table's row count."""
    stories = store.list_stories(limit=1000)
    return {
        "counts": {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES},
        "stories": [(s["id"], s["title"], s["articles"], s["last_seen"]) for s in stories],
        "articles": [(a["id"], a["title"], a["outlet"], a["story_id"], a["duplicate_of"])
                     for a in store.list_articles(limit=1000)],
        "search": sorted(h["id"] for h in store.search("river", limit=50)),  # each database ranks its own way
    }


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("source") / "demo.db")
    with Store(path) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO)]).added == 44
    return path


def test_migrate_is_idempotent_and_reports_the_schema(database, capsys):
    for _ in range(2):
        status, out, err = _cli(capsys, "--db", database, "migrate", "--json")
        assert status == 0, err
        report = json.loads(out)
        assert report["revision"] == report["head"] and report["articles"] == 0


def test_copy_there_and_back_keeps_everything(demo_file, database, tmp_path, capsys):
    status, out, err = _cli(capsys, "copy", "--from", demo_file, "--to", database, "--json")
    assert status == 0, err
    copied = json.loads(out)["copied"]
    assert copied["articles"] == 44 and copied["stories"] > 5
    back = str(tmp_path / "back.db")
    status, _, err = _cli(capsys, "copy", "--from", database, "--to", back)
    assert status == 0, err
    with open_store(demo_file) as a, open_store(database) as b, open_store(back) as c:
        original = _snapshot(a)
        assert original["search"], "the demo corpus mentions a river"
        assert _snapshot(b) == original
        assert _snapshot(c) == original
        # The copy goes on as a database of its own: new rows get new ids, briefs still come.
        new = b.outlet_id("An Outlet Added After The Copy")
        assert new > max(row["id"] for row in b.outlets_overview() if row["name"] != "An Outlet Added After The Copy")
        from storyline.brief.stored import story_brief
        story = original["stories"][0][0]
        assert story_brief(b, story, facts=False)["sentences"]


def test_copy_refuses_a_database_that_is_not_empty(demo_file, database, capsys):
    with open_store(database) as target:
        target.record_failure("https://already.example/", "something was here")
        with open_store(demo_file) as source, pytest.raises(StorageError, match="not empty"):
            copy_database(source, target)
        assert target.count_articles() == 0  # nothing half-copied
    status, _, err = _cli(capsys, "copy", "--from", demo_file, "--to", database)
    assert status == 1 and "not empty" in err and len(err.strip().splitlines()) == 1
