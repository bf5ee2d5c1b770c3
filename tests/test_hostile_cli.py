"""The command line against hostile stored text and a careless operator (issue 10, items 8 and 11).

Stored strings reach the terminal as plain text (no rich markup, no hyperlinks, no control
characters), and every operator mistake ends in one `storyline:` line and a non-zero exit.
"""
from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storyline.cli import main
from storyline.storage import Store, StorageError, open_store
from tests.conftest import ROOT

# What a hostile publisher puts in titles, outlets, authors, URLs and failure reasons.
HOSTILE_TITLES = [
    "Crash [/x] here",
    "[link=https://evil.example]click me[/link]",
    "Clear \x1b[2J screen",
    "Hyper \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 end",
    "Bell \x07 and carriage \r return",
    "C1 \x9b2J control sequence",
    "[bold red]loud[/] :warning: \u202eevil",
]
# Markup that must come out literally (none of it contains a control character).
LITERAL = ["Crash [/x] here", "[link=https://evil.example]click me[/link]", "[bold red]loud[/] :warning:"]
OUTLET = "Out[/x]let \x1b[31mred"
AUTHOR = "[link=https://evil.example]Ann[/link] \x9b2J"
FAILURE_SOURCE = "https://evil.example/[/x]\x1b]8;;https://evil.example\x07"
FAILURE_ERROR = "refused [red]boom[/red] \x1b[2J\x07"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour and bold, which rich itself writes on a terminal
TERMINAL = {"FORCE_COLOR": "1", "TERM": "xterm-256color"}


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400", **(env or {})}
    for name in ("FORCE_COLOR", "NO_COLOR", "STORYLINE_DEBUG"):
        if env is None or name not in env:
            full_env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, env=full_env,
                          timeout=timeout)


def assert_terminal_safe(output: str) -> None:
    """Nothing but rich's own colour codes: no hyperlink, no other escape, no BEL, no C1."""
    assert "\x1b]8;" not in output
    rest = SGR.sub("", output)
    bad = sorted({f"U+{ord(c):04X}" for c in rest
                  if c in "\x1b\x07\r" or 0x80 <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E})
    assert not bad, f"control characters reached the terminal: {bad}"


def text(proc: subprocess.CompletedProcess, stream: str = "stdout") -> str:
    return getattr(proc, stream).decode("utf-8")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> dict:
    """A database holding the hostile strings, added through `storyline add` on a terminal."""
    folder = tmp_path_factory.mktemp("hostile")
    db = str(folder / "hostile.db")
    batch = folder / "batch.jsonl"
    lines = []
    for number, title in enumerate(HOSTILE_TITLES):
        body = " ".join(f"Paragraph {p} of report {number} [/x] says the harbour wall on pier {number} "
                        f"cost the town {number * 7 + p} thousand pounds this year." for p in range(12))
        lines.append(json.dumps({"text": body, "title": title, "outlet": OUTLET, "author": AUTHOR,
                                 "url": f"https://news.example/{number}?q=[/x]"}))
    batch.write_text("\n".join(lines) + "\n")
    missing = str(folder / "missing [/x] \x1b[2J.html")
    added = run("--db", db, "add", str(batch), missing, env=TERMINAL)
    with Store(db) as store:
        # Whatever the ingest cleans on the way in, the CLI must cope with the raw strings too.
        ids = [r["id"] for r in store.rows("SELECT id FROM articles ORDER BY id")]
        for article_id, title in zip(ids, HOSTILE_TITLES):
            store.execute("UPDATE articles SET title = :title WHERE id = :id", {"title": title, "id": article_id})
        store.execute("UPDATE outlets SET name = :name", {"name": OUTLET})
        store.execute("UPDATE articles SET author = :author", {"author": AUTHOR})
        store.execute("UPDATE stories SET title = :title", {"title": HOSTILE_TITLES[1]})
        store.record_failure(FAILURE_SOURCE, FAILURE_ERROR)
        story = store.scalar("SELECT id FROM stories ORDER BY id LIMIT 1")
    return {"db": db, "ids": ids, "story": story, "add": added, "missing": missing}


def test_add_on_a_terminal_survives_hostile_names(hostile_db):
    added = hostile_db["add"]
    assert added.returncode == 0, text(added, "stderr")
    out, err = text(added), text(added, "stderr")
    assert out.startswith(f"added {len(HOSTILE_TITLES)}, duplicates 0, failed 1")
    # the failed file's name, markup and all, is printed literally, without its escape
    assert "missing [/x] [2J.html" in SGR.sub("", out)
    assert_terminal_safe(out)
    assert "\x1b[2J" not in err and "\x1b]8;" not in err and "Traceback" not in err


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("command", ["articles", "show", "stories", "story", "failures"])
def test_stored_text_is_printed_as_plain_text(hostile_db, command, terminal):
    db = hostile_db["db"]
    args = {"articles": ["articles"], "stories": ["stories"], "failures": ["failures"],
            "show": ["show", str(hostile_db["ids"][1])], "story": ["story", str(hostile_db["story"])]}[command]
    proc = run("--db", db, *args, env=TERMINAL if terminal else None)
    assert proc.returncode == 0, text(proc, "stderr")
    assert "Traceback" not in text(proc, "stderr")
    out = text(proc)
    assert_terminal_safe(out)
    if terminal:
        assert SGR.search(out), "the terminal path (rich styles) was not exercised"
    shown = SGR.sub("", out)
    if command == "failures":
        assert "https://evil.example/[/x]" in shown and "refused [red]boom[/red]" in shown
    elif command == "show":
        assert shown.splitlines()[0] == "[link=https://evil.example]click me[/link]"
        assert "Out[/x]let [31mred · [link=https://evil.example]Ann[/link] 2J" in shown
        assert "https://news.example/1?q=[/x]" in shown and "[/x] says the harbour wall" in shown
    elif command in ("articles", "story"):
        for title in LITERAL:
            assert title in shown
        assert "Clear [2J screen" in shown and "Out[/x]let [31mred" in shown
    else:
        assert "[link=https://evil.example]click me[/link]" in shown and "Out[/x]let [31mred" in shown


def test_an_output_that_cannot_encode_a_character(hostile_db):
    proc = run("--db", hostile_db["db"], "show", str(hostile_db["ids"][0]), env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, text(proc, "stderr")
    title, meta = text(proc).splitlines()[:2]
    assert title == "Crash [/x] here"
    assert re.fullmatch(r"Out\[/x\]let \[31mred \? \[link=https://evil\.example\]Ann\[/link\] 2J \? "
                        r"undated, added \S+ \? en", meta), meta


@pytest.mark.parametrize("command", ["articles", "failures", "show"])
def test_json_keeps_the_stored_values_with_controls_escaped(hostile_db, command):
    db = hostile_db["db"]
    args = ["show", str(hostile_db["ids"][5])] if command == "show" else [command]
    proc = run("--db", db, *args, "--json", env=TERMINAL)
    assert proc.returncode == 0, text(proc, "stderr")
    out = text(proc)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\u202e" not in out
    data = json.loads(out)
    if command == "articles":
        assert sorted(a["title"] for a in data) == sorted(HOSTILE_TITLES)
        assert {a["outlet"] for a in data} == {OUTLET}
    elif command == "failures":
        assert {"source": FAILURE_SOURCE, "error": FAILURE_ERROR} in [
            {k: f[k] for k in ("source", "error")} for f in data]
    else:
        assert data["title"] == HOSTILE_TITLES[5] and data["author"] == AUTHOR


def hostile_files(tmp_path) -> tuple[Path, Path]:
    paragraphs = [f"The [bold]council[/bold] voted {n} times on the \x1b[2Jharbour wall [/x] plan this week, "
                  f"officials said on Tuesday after a long meeting in the town hall." for n in range(8)]
    first, second = tmp_path / "a [bold]x.txt", tmp_path / "b.txt"
    first.write_text("Harbour [/x] wall \x1b]8;;https://evil.example\x07vote\n\n" + "\n\n".join(paragraphs))
    second.write_text("Council votes again\n\n" + "\n\n".join(reversed(paragraphs)))
    return first, second


def test_summarize_a_hostile_file(tmp_path):
    first, _ = hostile_files(tmp_path)
    summary = run("summarize", str(first), "--sentences", "2", env=TERMINAL)
    assert summary.returncode == 0, text(summary, "stderr")
    assert "[bold]council[/bold]" in text(summary) and "[2Jharbour wall [/x]" in text(summary)
    assert_terminal_safe(text(summary))


def test_brief_of_hostile_files(tmp_path):
    first, second = hostile_files(tmp_path)
    brief = run("brief", str(first), str(second), "--words", "40", env=TERMINAL)
    assert brief.returncode == 0, text(brief, "stderr")
    assert "[bold]council[/bold]" in SGR.sub("", text(brief)) and str(first) in text(brief)
    assert_terminal_safe(text(brief))


# -- operator mistakes ------------------------------------------------------------------------

def call(capsys, *args: str) -> tuple[int, str, str]:
    """`storyline ARGS` in this process: exit status, stdout, stderr."""
    try:
        status = main(list(args))
    except SystemExit as exit:  # argparse's usage errors
        status = exit.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line(err: str, status: int, expected_status: int, fragment: str) -> None:
    assert status == expected_status, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    if expected_status == 2 and lines[0].startswith("usage:"):  # argparse: usage, then one error line
        lines = [line for line in lines if not line.startswith(("usage:", " "))]
    assert len(lines) == 1 and lines[0].startswith("storyline"), err
    assert fragment in lines[0], err


BIG = "99999999999999999999"

USAGE_ERRORS = [
    (["--timeout", "nan", "articles"], "--timeout"),
    (["--timeout", "-1", "articles"], "--timeout"),
    (["--timeout", "inf", "articles"], "--timeout"),
    (["--timeout", "0", "articles"], "--timeout"),
    (["--timeout", "soon", "articles"], "--timeout"),
    (["stories", "--since", "99999999d"], "before the year 1"),
    (["stories", "--since", "9" * 30 + "h"], "before the year 1"),
    (["stories", "--since=-5d"], "3d, 12h, 2w or an ISO date"),
    (["stories", "--since", "garbage"], "3d, 12h, 2w or an ISO date"),
    (["recluster", "--since", "99999999w"], "before the year 1"),
    (["show", BIG], "an id must be from 1 to 9223372036854775807"),
    (["show", "-1"], "an id must be from 1"),
    (["show", "0"], "an id must be from 1"),
    (["show", "seven"], "whole number"),
    (["story", str(2**70)], "an id must be from 1"),
    (["story", "-5"], "an id must be from 1"),
    (["summarize", BIG], "an id must be from 1"),
    (["summarize", "-3"], "an id must be from 1"),
    (["brief", "18446744073709551616"], "an id must be from 1"),
    (["articles", "--limit", "-1"], "--limit"),
    (["articles", "--limit", str(2**64)], "--limit"),
    (["articles", "--offset", str(2**64)], "--offset"),
    (["articles", "--offset", "-1"], "--offset"),
    (["stories", "--limit", "0"], "--limit"),
    (["--deadline", "nan", "fetch"], "--deadline"),
    (["--deadline", "0", "fetch"], "--deadline"),
    (["serve", "--port", "99999"], "--port"),
    (["serve", "--port", "-1"], "--port"),
    (["serve", "--workers", "0"], "--workers"),
    (["serve", "--base-url", "javascript:alert(1)"], "--base-url"),
    (["summarize", "1", "--words", "0"], "--words"),
    (["summarize", "1", "--words", "-5"], "--words"),
    (["summarize", "1", "--sentences", "0"], "--sentences"),
    (["summarize", "1", "--sentences", "-2"], "--sentences"),
    (["brief", "1", "--words", "0"], "--words"),
    (["brief", "1", "--words", str(2**70)], "--words"),
]


@pytest.mark.parametrize("args, fragment", USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_bad_values_are_usage_errors(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "news.db"
    status, out, err = call(capsys, "--db", str(db), *args)
    assert_one_line(err, status, 2, fragment)
    assert out == "" and not db.exists()  # refused before anything was opened


def test_database_mistakes_end_in_one_line(tmp_path, capsys):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("this is not a database\n" * 100)
    noise = tmp_path / "noise.db"
    noise.write_bytes(os.urandom(8192))
    folder = tmp_path / "folder.db"
    folder.mkdir()
    cases = [(text_file, "is not a usable Storyline database (file is not a database)"),
             (noise, "is not a usable Storyline database"),
             (folder, "is a folder, not a database file"),
             ("/proc/storyline/x.db", "cannot open /proc/storyline/x.db"),
             ("mysql://db.example/news", "unsupported database URL scheme")]
    for db, fragment in cases:
        for command in (["articles"], ["show", "1"], ["failures", "--json"], ["stories"], ["brief", "1"]):
            status, out, err = call(capsys, "--db", str(db), *command)
            assert_one_line(err, status, 1, fragment)
            assert out == ""
    assert text_file.read_text() == "this is not a database\n" * 100  # left as it was


def test_serve_refuses_a_bad_database_before_starting(tmp_path):
    (tmp_path / "folder.db").mkdir()
    proc = run("--db", str(tmp_path / "folder.db"), "serve", "--workers", "2", "--port", str(free_port()),
               timeout=30)
    assert proc.returncode == 1
    assert text(proc, "stderr") == f"storyline: {tmp_path / 'folder.db'} is a folder, not a database file\n"


def test_another_programs_database_is_refused_and_left_alone(tmp_path, capsys):
    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    before = other.read_bytes()
    status, _, err = call(capsys, "--db", str(other), "articles")
    assert_one_line(err, status, 1, "is an SQLite database but not a Storyline one")
    assert other.read_bytes() == before
    with pytest.raises(StorageError):
        open_store(str(other))


def test_a_newer_schema_is_refused(tmp_path, capsys):
    path = tmp_path / "newer.db"
    with Store(path) as store:
        store.execute("UPDATE alembic_version SET version_num = '0999'")
    status, _, err = call(capsys, "--db", str(path), "articles")
    assert_one_line(err, status, 1, "written by a newer Storyline (schema 0999")


def test_truncated_database(tmp_path):
    path = tmp_path / "cut.db"
    with Store(path) as store:
        for n in range(400):
            store.record_failure(f"https://news.example/{n}", "a reason that takes some room " * 20)
    whole = path.read_bytes()
    assert len(whole) > 100_000 and not Path(f"{path}-wal").exists()
    path.write_bytes(whole[: len(whole) // 2])
    for command in (["failures"], ["articles"], ["stories", "--json"]):
        proc = run("--db", str(path), *command)
        err = text(proc, "stderr")
        assert proc.returncode == 1 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1 and err.startswith("storyline: "), err
        assert "malformed" in err or "not a usable Storyline database" in err, err


def test_non_database_through_the_real_command(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\xff" * 5000)
    proc = run("--db", str(junk), "articles")
    assert proc.returncode == 1
    assert text(proc, "stderr") == f"storyline: {junk} is not a usable Storyline database (file is not a database)\n"


def test_files_that_are_not_articles(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "noise.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 300)
    db = str(tmp_path / "news.db")
    cases = [(["summarize", "folder"], "cannot summarize folder: it is a folder"),
             (["summarize", "missing.html"], "cannot summarize missing.html"),
             (["summarize", "noise.bin"], "cannot summarize noise.bin"),
             (["brief", "folder"], "cannot brief folder: it is a folder"),
             (["brief", "noise.bin", "folder"], "it is a folder"),
             (["brief", "missing.html", "noise.bin"], "cannot brief"),
             (["summarize", "42"], "no article with id 42"),
             (["brief", "42"], "no story with id 42"),
             (["story", "42"], "no story with id 42"),
             (["brief", "3", "4"], "brief takes one story id")]
    for args, fragment in cases:
        status, out, err = call(capsys, "--db", db, *args)
        assert_one_line(err, status, 2 if args == ["brief", "3", "4"] else 1, fragment)
        assert out == ""


def test_adding_a_missing_file_is_a_recorded_failure(tmp_path, capsys):
    db = str(tmp_path / "news.db")
    status, out, err = call(capsys, "--db", db, "add", str(tmp_path / "gone.txt"), "--json")
    assert status == 0 and err == ""
    assert json.loads(out)["failed"][0]["source"] == str(tmp_path / "gone.txt")
    status, out, _ = call(capsys, "--db", db, "failures", "--json")
    assert [f["source"] for f in json.loads(out)] == [str(tmp_path / "gone.txt")]


def test_an_unexpected_error_is_one_line_unless_debugging(tmp_path, monkeypatch, capsys):
    def broken(location):
        raise RuntimeError("the store\nfell over")

    monkeypatch.setattr("storyline.cli.open_store", broken)
    monkeypatch.delenv("STORYLINE_DEBUG", raising=False)
    status, _, err = call(capsys, "--db", str(tmp_path / "x.db"), "articles")
    assert err == ("storyline: internal error: RuntimeError: the store fell over; "
                   "run with STORYLINE_DEBUG=1 for the traceback\n")
    assert status == 1
    monkeypatch.setenv("STORYLINE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="fell over"):
        main(["--db", str(tmp_path / "x.db"), "articles"])


def test_a_closed_pipe_is_not_an_error(tmp_path):
    db = str(tmp_path / "news.db")
    with Store(db) as store:
        for n in range(1000):  # far more output than a pipe holds
            store.record_failure(f"https://news.example/{n}", "the page could not be read " * 4)
    shell = f"{sys.executable} -m storyline --db {db} failures --json | head -c 10"
    proc = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout == "[\n  {\n    "
    assert proc.stderr == ""


# -- the write token and the public address ---------------------------------------------------

def test_serve_help_warns_about_the_token_on_the_command_line(capsys):
    status, out, _ = call(capsys, "serve", "--help")
    assert status == 0
    assert "process list" in out and "--token-file" in out and "--base-url" in out


def test_token_file_mistakes(tmp_path, capsys):
    empty, good = tmp_path / "empty", tmp_path / "good"
    empty.write_text("\n")
    good.write_text("a-token\n")
    for args, fragment in [(["--token-file", str(tmp_path / "none")], "cannot read"),
                           (["--token-file", str(empty)], "is empty"),
                           (["--token-file", str(tmp_path)], "cannot read"),
                           (["--token", "x", "--token-file", str(good)], "not allowed with")]:
        status, _, err = call(capsys, "--db", str(tmp_path / "x.db"), "serve", *args)
        assert_one_line(err, status, 2, fragment)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, token: str | None) -> int:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(url, data=b"{}", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_reads_the_token_from_a_file_and_links_to_the_base_url(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("s3cret-from-file\nsecond line is ignored\n")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "storyline", "--db", str(tmp_path / "x.db"), "serve",
                               "--port", str(port), "--token-file", str(token_file),
                               "--base-url", "https://news.example.org/reader/"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        url = f"http://127.0.0.1:{port}/api/sources"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.1)
        assert post(url, None) == 401
        assert post(url, "wrong") == 403
        assert post(url, "s3cret-from-file") not in (401, 403)  # past the token, the empty body is refused
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.atom", timeout=5) as response:
            feed = response.read().decode("utf-8")
        assert "https://news.example.org/reader" in feed and f"127.0.0.1:{port}" not in feed
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_deadline_bounds_a_whole_fetch_from_the_command_line(tmp_path, server):
    """A page dribbled a byte every 0.2 s never trips the per-step timeout; --deadline ends it."""
    from tests.conftest import Reply

    def dribble():
        while True:
            time.sleep(0.2)
            yield b"a"
    server.routes["/slow"] = lambda _r: Reply(200, dribble(), {"Content-Type": "text/html"})
    started = time.monotonic()
    proc = run("--db", str(tmp_path / "news.db"), "--allow-private", "--deadline", "1.5", "add", "--json",
               server.url("/slow"))
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["added"] == 0
    assert "1.5 s deadline" in report["failed"][0]["error"]
    assert time.monotonic() - started < 15  # interpreter start-up included
