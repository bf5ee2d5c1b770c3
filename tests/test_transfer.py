"""`storyline export`, `import` and `backup`: a JSONL export imported into a new
SQLite or PostgreSQL database gives back every article field, feed, failure and
story; OPML carries the feeds; a backup opens with the same rows, also when taken
while another connection writes; a bad line of an export fails alone."""
from __future__ import annotations

import io
import itertools
import json
import sqlite3
import threading
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from lxml import etree

from storyline.cli import main
from storyline.ingest import Ingestor, content_hash
from storyline.model import Article
from storyline.storage import Store, open_store
from storyline.storage.copy import TABLES, copy_database
from storyline.transfer import export, import_files

from .conftest import DEMO, offline

FEED_TITLE = 'Wire & "Friends" <latest>\x07'
_names = itertools.count(1)


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def source_db(tmp_path_factory) -> str:
    """The demo corpus, two polled feeds (one owning a few articles), failures
    resolved and not."""
    path = str(tmp_path_factory.mktemp("source") / "demo.db")
    with Store(path) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO)]).added == 44
        wire, _ = store.add_feed("https://valleywire.example/feed.xml")
        store.feed_fetched(wire, status="200", etag='W/"abc"', last_modified="Tue, 17 Nov 2026 08:00:00 GMT",
                           title=FEED_TITLE, site_url="https://valleywire.example/", outlet="Valley Wire")
        broken, _ = store.add_feed("https://coastlinetimes.example/rss?x=1&y=2")
        store.feed_fetched(broken, status="error", error="HTTP 503 at https://coastlinetimes.example/rss")
        store.execute("UPDATE articles SET feed_id = :feed WHERE outlet_id = "
                      "(SELECT id FROM outlets WHERE name = 'Valley Wire')", {"feed": wire})
        store.record_failure("https://gone.example/a", "HTTP 404 at https://gone.example/a")
        store.record_failure("https://flaky.example/b", "timed out")
        store.resolve_failures("https://flaky.example/b")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    """A new, empty database of either kind."""
    if request.param == "sqlite":
        return str(tmp_path / "target.db")
    return request.getfixturevalue("postgres").create_database(f"transfer_{next(_names)}",
                                                               template="template_storyline")


def _articles(store: Store) -> dict[str, dict]:
    """Every stored field of every article, by URL, read with the test's own query."""
    rows = store.rows(
        "SELECT a.url, a.canonical_url, a.content_hash, o.name AS outlet, o.domain, f.url AS feed_url, a.title, "
        "a.author, a.published, a.language, a.raw_text, a.text, a.words, a.fetched, a.source "
        "FROM articles a JOIN outlets o ON o.id = a.outlet_id LEFT JOIN feeds f ON f.id = a.feed_id")
    return {r["url"]: r for r in rows}


def _feeds(store: Store) -> list[dict]:
    return sorted(({k: f[k] for k in export.FEED_FIELDS} for f in store.feeds()), key=lambda f: f["url"])


def _failures(store: Store) -> Counter:
    return Counter((f["source"], f["error"], f["at"], f["resolved"]) for f in store.failures(unresolved_only=False))


def _stories(store: Store) -> set[frozenset]:
    """Stories as groups of article URLs, whatever their ids."""
    groups: dict[int, set] = {}
    for row in store.rows("SELECT url, story_id FROM articles WHERE story_id IS NOT NULL"):
        groups.setdefault(row["story_id"], set()).add(row["url"])
    return {frozenset(g) for g in groups.values()}


def _placement(store: Store) -> dict[str, tuple]:
    """Per article URL: the URL of the original it is a near-copy of, and why it is not an article."""
    return {r["url"]: (r["original"], r["not_article"]) for r in store.rows(
        "SELECT a.url, d.url AS original, a.not_article FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of")}


def _export(capsys, db: str, path: Path, *extra: str) -> Path:
    status, _, err = _cli(capsys, "--db", db, "export", "--output", str(path), *extra)
    assert status == 0, err
    return path


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


# -- JSONL round trip --------------------------------------------------------------------


def test_jsonl_round_trip_keeps_every_article_feed_failure_and_story(source_db, target, tmp_path, capsys):
    dump = _export(capsys, source_db, tmp_path / "demo.jsonl")
    lines = _lines(dump)
    assert lines[0]["type"] == "storyline-export" and lines[0]["version"] == 1
    assert Counter(line["type"] for line in lines[1:]) == {"outlet": 6, "feed": 2, "article": 44, "failure": 2}
    assert all(set(line) == {"type", *export.ARTICLE_FIELDS} for line in lines if line["type"] == "article")

    status, out, err = _cli(capsys, "--db", target, "import", str(dump), "--json")
    assert status == 0, err
    assert json.loads(out) == {"added": 44, "duplicates": 0, "failed": [], "feeds": {"added": 2, "known": 0},
                               "failures_restored": 2}

    with open_store(source_db) as a, open_store(target) as b:
        assert _articles(b) == _articles(a)  # raw_text, text, content_hash, fetched... exactly
        assert _feeds(b) == _feeds(a)  # etag, last_modified, errors: polling resumes where it stopped
        assert _failures(b) == _failures(a)
        assert _stories(b) == _stories(a) and len(_stories(a)) > 5
        assert _placement(b) == _placement(a)
        assert b.rows("SELECT COUNT(*) AS n FROM articles WHERE placed = 0")[0]["n"] == 0

    # The target's own export says the same, line for line (but the header's time).
    again = _export(capsys, target, tmp_path / "again.jsonl")
    assert _lines(again)[1:] == lines[1:]

    # Importing twice adds nothing.
    status, out, err = _cli(capsys, "--db", target, "import", str(dump), "--json")
    assert status == 0, err
    assert json.loads(out) == {"added": 0, "duplicates": 44, "failed": [], "feeds": {"added": 0, "known": 2},
                               "failures_restored": 0}
    with open_store(source_db) as a, open_store(target) as b:
        assert {t: b.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("articles", "stories", "feeds", "failures")} \
            == {t: a.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("articles", "stories", "feeds", "failures")}


def test_import_keeps_the_exported_text_where_this_database_would_clean_it_otherwise(source_db, tmp_path,
                                                                                      capsys):
    """Storing an article cleans it by the chrome this database has learned; the
    import puts the exported text back."""
    dump = _export(capsys, source_db, tmp_path / "demo.jsonl")
    exported = next(line for line in _lines(dump) if line["type"] == "article")
    last = exported["text"].split("\n\n")[-1]
    assert len(last.split()) <= 30 and last.endswith(".")
    target = str(tmp_path / "busy.db")
    with open_store(target) as store:
        for n in range(2):  # the line on two more pages of the outlet: a sentence on 3 pages is chrome
            own = " ".join(f"Local story {n} tells its own news of the harbour in sentence {i}." for i in range(8))
            body = f"{own}\n\n{last}"
            store.insert_article(Article(url=f"https://elsewhere.example/{n}", title=f"Other {n}", text=body,
                                         raw_text=body, outlet=exported["outlet"], content_hash=content_hash(body)))
    with open_store(target) as store:
        assert import_files(store, [dump]).added == 44
        mine = store.rows("SELECT text FROM articles WHERE url LIKE 'https://elsewhere.example/%'")
        assert all(last not in row["text"] for row in mine)  # this database learned the line as chrome
        imported = _articles(store)[exported["url"]]
    assert imported["text"] == exported["text"] and imported["words"] == exported["words"]


def test_export_reads_articles_in_batches_and_misses_none(source_db, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 7)
    stream = io.BytesIO()
    with open_store(source_db) as store:
        counts = export.write_jsonl(store, stream)
        ids = store.rows("SELECT url FROM articles ORDER BY id")
    assert counts["article"] == 44
    urls = [json.loads(line)["url"] for line in stream.getvalue().splitlines() if b'"type": "article"' in line]
    assert urls == [r["url"] for r in ids]


def test_export_to_stdout_is_the_file(source_db, tmp_path, capsysbinary):
    assert main(["--db", source_db, "export"]) == 0
    captured = capsysbinary.readouterr()
    lines = [json.loads(line) for line in captured.out.split(b"\n") if line]
    assert sum(1 for line in lines if line["type"] == "article") == 44
    assert b"exported" in captured.err  # the summary stays off the export


# -- bad input ------------------------------------------------------------------------------


def test_bad_lines_fail_alone_with_their_line_number(source_db, tmp_path, capsys):
    good = [line for line in _lines(_export(capsys, source_db, tmp_path / "demo.jsonl"))
            if line["type"] in ("storyline-export", "article")][:3]
    header, first, second = good
    rows = [json.dumps(header), json.dumps(first), "{not json", "[1, 2]", "",
            json.dumps({**second, "title": 5}), json.dumps({"type": "sofa"}),
            json.dumps({"type": "feed", "url": "ftp://files.example/feed"}),
            json.dumps({**second, "text": None}), json.dumps(second)]
    dump = tmp_path / "mixed.jsonl"
    dump.write_text("\n".join(rows) + "\n")
    target = str(tmp_path / "mixed.db")
    status, out, err = _cli(capsys, "--db", target, "import", str(dump), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["added"] == 2 and report["duplicates"] == 0
    failed = {f["source"].rsplit(":", 1)[1]: f["error"] for f in report["failed"]}
    assert set(failed) == {"3", "4", "6", "7", "8", "9"}
    assert failed["3"].startswith("bad JSON line")
    assert failed["4"] == "bad JSON line: a list, not an object"
    assert failed["6"] == 'the article line needs "title" as a non-empty string, not a number'
    assert "unknown line type" in failed["7"] and "ftp://" in failed["8"] and '"text"' in failed["9"]
    with open_store(target) as store:
        assert store.count_articles() == 2
        assert {f["source"] for f in store.failures()} == {f"{dump}:{n}" for n in failed}


@pytest.mark.parametrize("content, reason", [
    ('{"url": "https://example.org/a"}\n', "without the storyline-export header"),
    ('{"type": "storyline-export", "version": 2}\n', "newer Storyline"),
    ("Just some notes.\n", "neither a Storyline export"),
])
def test_a_file_that_is_not_an_export_is_one_failure(tmp_path, capsys, content, reason):
    path = tmp_path / "notes.jsonl"
    path.write_text(content)
    status, out, err = _cli(capsys, "--db", str(tmp_path / "x.db"), "import", str(path), str(tmp_path / "none"),
                            "--json")
    assert status == 0, err
    failed = json.loads(out)["failed"]
    assert [f["source"] for f in failed] == [str(path), str(tmp_path / "none")]
    assert reason in failed[0]["error"] and "No such file" in failed[1]["error"]


# -- OPML -------------------------------------------------------------------------------------


def test_opml_export_then_import_subscribes_to_the_same_feeds_without_polling(source_db, target, tmp_path,
                                                                             capsys):
    opml = _export(capsys, source_db, tmp_path / "feeds.opml", "--format", "opml")
    root = etree.fromstring(opml.read_bytes())  # well-formed, whatever the titles hold
    assert root.get("version") == "2.0"
    wire = root.find(".//outline[@xmlUrl='https://valleywire.example/feed.xml']")
    assert wire.get("title") == FEED_TITLE.replace("\x07", "")  # escaped, and XML's forbidden character dropped
    assert wire.get("htmlUrl") == "https://valleywire.example/" and wire.getparent().get("text") == "Valley Wire"

    for expected in ({"added": 2, "known": 0}, {"added": 0, "known": 2}):
        status, out, err = _cli(capsys, "--db", target, "import", str(opml), "--json")
        assert status == 0, err
        report = json.loads(out)
        assert report["feeds"] == expected and report["added"] == 0 and report["failed"] == []
    with open_store(source_db) as a, open_store(target) as b:
        assert [f["url"] for f in _feeds(b)] == [f["url"] for f in _feeds(a)]
        assert all(f["last_fetched"] is None for f in b.feeds())  # subscribed; `fetch` polls them


# -- backup -------------------------------------------------------------------------------------


def _counts(location: str) -> dict[str, int]:
    with open_store(location) as store:
        return {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


def test_backup_opens_with_the_same_rows_and_never_overwrites_unasked(source_db, tmp_path, capsys):
    copy = tmp_path / "copies" / "backup.db"
    status, out, err = _cli(capsys, "--db", source_db, "backup", str(copy), "--json")
    assert status == 0, err
    assert json.loads(out)["method"] == "sqlite-online-backup"
    assert _counts(str(copy)) == _counts(source_db)
    with open_store(str(copy)) as a, open_store(source_db) as b:
        assert _articles(a) == _articles(b) and _stories(a) == _stories(b)
    assert [p.name for p in copy.parent.iterdir()] == ["backup.db"]  # no partial file left beside it

    copy.write_bytes(b"keep me")
    status, _, err = _cli(capsys, "--db", source_db, "backup", str(copy))
    assert status == 1 and err.startswith("storyline: ") and "--force" in err and len(err.splitlines()) == 1
    assert copy.read_bytes() == b"keep me"
    status, _, err = _cli(capsys, "--db", source_db, "backup", str(copy), "--force")
    assert status == 0, err
    assert _counts(str(copy)) == _counts(source_db)
    status, _, err = _cli(capsys, "--db", source_db, "backup", source_db, "--force")
    assert status == 1 and "being backed up" in err


def _write_pairs(location: str, stop: threading.Event, written: list[int]) -> None:
    """Each transaction writes two rows; a consistent copy has both or neither."""
    with open_store(location) as store:
        for n in itertools.count():
            if stop.is_set():
                return
            with store.transaction():
                store.record_failure(f"pair {n}", "first")
                store.record_failure(f"pair {n}", "second")
            written.append(n)


@pytest.fixture(params=["sqlite", "postgresql"])
def live_db(request, source_db, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "live.db"
        with open_store(source_db) as store, closing(sqlite3.connect(path)) as target:
            store.db.dbapi().backup(target)
        return str(path)
    url = request.getfixturevalue("postgres").create_database(f"transfer_{next(_names)}",
                                                              template="template_storyline")
    with open_store(source_db) as source, open_store(url) as target:
        copy_database(source, target)
    return url


def test_backup_taken_while_another_connection_writes_is_consistent(live_db, tmp_path):
    from storyline.transfer import backup

    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_pairs, args=(live_db, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        with open_store(live_db) as store:
            result = backup(store, tmp_path / "snapshot.db")
        during = len(written)
        while len(written) < during + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(result["backup"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        firsts, seconds = (db.execute("SELECT COUNT(*) FROM failures WHERE error = ?", (e,)).fetchone()[0]
                           for e in ("first", "second"))
    assert firsts == seconds and 20 <= firsts < len(written)  # mid-writing, and whole transactions only
    copied = _counts(result["backup"])
    source = _counts(live_db)
    assert {t: n for t, n in copied.items() if t != "failures"} == {t: n for t, n in source.items() if t != "failures"}
