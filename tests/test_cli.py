"""The storyline command, run as a user would (a subprocess, output piped)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DEMO, ROOT
from tests.pages import article_html, rss, story_paragraphs


def run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_add_list_show_json(tmp_path, server):
    db = str(tmp_path / "news.db")
    page = server.page("/story.html", article_html("Pier closes", story_paragraphs("the pier"),
                                                   url="https://lakeside.example/pier"))
    folder = tmp_path / "Valley Wire"
    folder.mkdir()
    (folder / "note.txt").write_text("Valley roads reopen\n\n" + "\n\n".join(story_paragraphs("roads")))
    added = run("--db", db, "--allow-private", "add", page, str(folder), str(tmp_path / "missing.html"), "--json")
    report = json.loads(added.stdout)
    assert report["added"] == 2 and report["duplicates"] == 0
    assert report["failed"] == [{"source": str(tmp_path / "missing.html"),
                                 "error": "no such file or folder, and not an http(s) URL"}]
    assert added.stderr == ""  # no progress bar when piped

    listed = json.loads(run("--db", db, "articles", "--json").stdout)
    assert {a["title"] for a in listed} == {"Pier closes", "Valley roads reopen"}
    assert all({"id", "url", "outlet", "title", "published", "words"} <= set(a) for a in listed)
    pier = next(a for a in listed if a["title"] == "Pier closes")
    assert pier["url"] == page and pier["outlet"] == "Lakeside Gazette"

    shown = json.loads(run("--db", db, "show", str(pier["id"]), "--json").stdout)
    assert {"author", "language", "text", "fetched"} <= set(shown)
    assert shown["author"] == "Mira Holt" and shown["language"] == "en"
    body = story_paragraphs("the pier")
    assert shown["text"].split("\n\n")[:len(body)] == body and "Previous Article" not in shown["text"]

    again = json.loads(run("--db", db, "--allow-private", "add", page, str(folder), "--json").stdout)
    assert (again["added"], again["duplicates"]) == (0, 2)


def test_db_from_environment_and_fetch(tmp_path, server):
    db = str(tmp_path / "env.db")
    page = server.page("/p.html", article_html("Env story", story_paragraphs("env")))
    feed = server.page("/rss.xml", rss([{"title": "Env story", "link": page}]), "application/rss+xml")
    run("--allow-private", "add", feed, env={"STORYLINE_DB": db})
    assert os.path.exists(db)
    fetched = json.loads(run("--allow-private", "fetch", "--json", env={"STORYLINE_DB": db}).stdout)
    assert fetched == {"added": 0, "duplicates": 1, "failed": []}


def test_private_urls_refused_without_flag(tmp_path, server):
    page = server.page("/p.html", article_html("Private", story_paragraphs("private")))
    out = json.loads(run("--db", str(tmp_path / "x.db"), "add", page, "--json").stdout)
    assert out["added"] == 0 and "refused" in out["failed"][0]["error"]


def test_show_missing_article(tmp_path):
    proc = run("--db", str(tmp_path / "x.db"), "show", "42", check=False)
    assert proc.returncode == 1 and "no article with id 42" in proc.stderr


def test_demo_loads_the_corpus(tmp_path):
    proc = run("--db", str(tmp_path / "demo.db"), "demo", "--json")
    data = json.loads(proc.stdout)
    listed = data["articles"]
    assert data["report"]["added"] == len(listed) >= 30
    assert len({a["outlet"] for a in listed}) >= 6
    assert len(list(DEMO.rglob("*.html"))) >= 31
