"""The throwaway PostgreSQL cluster: a real server on 127.0.0.1, gone when the block ends."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
import pytest

from storyline.storage.throwaway import (
    PostgresUnavailable,
    ThrowawayPostgres,
    find_server_binaries,
)

needs_server = pytest.mark.skipif(find_server_binaries() is None,
                                  reason="no PostgreSQL server binaries (./run test installs Debian's postgresql)")


@needs_server
def test_cluster_serves_databases_and_leaves_nothing_behind():
    with ThrowawayPostgres() as pg:
        directory = pg.directory
        assert directory.is_dir()
        assert pg.url_base == f"postgresql://storyline@127.0.0.1:{pg.port}"
        news_url = pg.create_database("news")
        other_url = pg.create_database("other")
        assert news_url == f"{pg.url_base}/news"
        assert other_url == f"{pg.url_base}/other"

        with psycopg.connect(news_url) as conn:
            conn.execute("CREATE TABLE articles (id serial PRIMARY KEY, title text NOT NULL)")
            conn.execute("INSERT INTO articles (title) VALUES (%s)", ("Bridge reopens",))
        with psycopg.connect(news_url) as conn:
            assert conn.execute("SELECT id, title FROM articles").fetchall() == [(1, "Bridge reopens")]
        with psycopg.connect(other_url) as conn:
            # Databases are separate: the table exists only in the one it was made in.
            assert conn.execute("SELECT to_regclass('articles')").fetchone() == (None,)

        lingering = psycopg.connect(other_url)  # dropping must not wait for open connections
        pg.drop_database("other")
        lingering.close()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(other_url, connect_timeout=5)
        with psycopg.connect(news_url) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        port = pg.port

    assert not directory.exists()
    assert pg.url_base == ""
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=port, user="storyline", dbname="postgres", connect_timeout=5)


@needs_server
def test_tuned_for_tests_and_sorting_like_sqlite():
    with ThrowawayPostgres() as pg:
        with psycopg.connect(pg.create_database("settings")) as conn:
            settings = dict(conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('fsync', 'synchronous_commit', 'full_page_writes', 'max_connections', 'listen_addresses')"
            ).fetchall())
            assert settings == {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                                "max_connections": "100", "listen_addresses": "127.0.0.1"}
            ordered = conn.execute("SELECT w FROM (VALUES ('b'), ('a'), ('B'), ('é')) AS t(w) ORDER BY w")
            assert [row[0] for row in ordered] == ["B", "a", "b", "é"]


def test_empty_bin_dir_is_unavailable(tmp_path):
    with pytest.raises(PostgresUnavailable, match="initdb"):
        with ThrowawayPostgres(bin_dir=str(tmp_path)):
            pass


@pytest.fixture
def open_folder():
    """A folder anyone may enter: as root the tools run as the postgres user, who cannot
    enter pytest's own temporary folders."""
    with tempfile.TemporaryDirectory() as name:
        os.chmod(name, 0o755)
        yield Path(name)


def test_failed_start_reports_the_tool_output_and_cleans_up(open_folder, monkeypatch):
    tools = open_folder / "bin"
    tools.mkdir()
    for tool in ("initdb", "pg_ctl"):
        script = tools / tool
        script.write_text("#!/bin/sh\necho 'FATAL:  simulated failure' >&2\nexit 1\n")
        script.chmod(0o755)
    clusters = open_folder / "clusters"
    clusters.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(clusters))

    with pytest.raises(PostgresUnavailable, match="simulated failure") as failure:
        with ThrowawayPostgres(bin_dir=str(tools)):
            pass
    assert "\n" not in str(failure.value)
    assert list(clusters.iterdir()) == []


def test_databases_need_a_running_server():
    with pytest.raises(RuntimeError, match="not running"):
        ThrowawayPostgres().create_database("news")
