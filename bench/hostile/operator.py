"""The catalogue of issue 10 for the command line: an operator's typos and
hostile stored text printed to a terminal."""
from __future__ import annotations

import re
from pathlib import Path

from bench.hostile.run import Outcome, judge_process, ok, run_measured, storyline, storyline_argv
from bench.hostile.web import hostile_db

# Escape sequences a hostile title could smuggle: clear screen, OSC 8 hyperlinks, bell, C1 CSI.
SMUGGLED = re.compile("\x1b\\[2J|\x1b\\]8;|\x07|\x9b")


def _mistakes(tmp: Path, good_db: str) -> list[tuple[str, list[str]]]:
    text = tmp / "not-a-db.txt"
    text.write_text("just some notes, not a database\n" * 100)
    truncated = tmp / "truncated.db"
    data = Path(good_db).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    folder = tmp / "a-folder"
    folder.mkdir(exist_ok=True)
    binary = tmp / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return [
        ("--db is a text file", ["--db", str(text), "articles"]),
        ("--db is a truncated database", ["--db", str(truncated), "articles"]),
        ("--db is a folder", ["--db", str(folder), "articles"]),
        ("--timeout nan", ["--db", good_db, "--timeout", "nan", "fetch"]),
        ("--timeout -1", ["--db", good_db, "--timeout", "-1", "fetch"]),
        ("--since 99999999d", ["--db", good_db, "stories", "--since", "99999999d"]),
        ("--since garbage", ["--db", good_db, "stories", "--since", "last tuesday-ish"]),
        ("show 2^66", ["--db", good_db, "show", str(2**66)]),
        ("story 2^70", ["--db", good_db, "story", str(2**70)]),
        ("summarize 2^66", ["--db", good_db, "summarize", str(2**66)]),
        ("brief 2^64", ["--db", good_db, "brief", str(2**64)]),
        ("summarize a folder", ["--db", good_db, "summarize", str(folder)]),
        ("summarize a PNG", ["--db", good_db, "summarize", str(binary)]),
        ("brief a folder", ["--db", good_db, "brief", str(folder)]),
        ("--limit -1", ["--db", good_db, "articles", "--limit", "-1"]),
        ("--words 0", ["--db", good_db, "summarize", "1", "--words", "0"]),
        ("--port 99999", ["--db", good_db, "serve", "--port", "99999"]),
    ]


def run_all(tmp: Path) -> list[Outcome]:
    good_db = str(tmp / "cli.db")
    hostile_db(good_db, tmp)
    outcomes = []
    for name, argv in _mistakes(tmp, good_db):
        run = run_measured([*storyline_argv(), *argv], timeout=60)
        bad = judge_process(name, "cli", run)
        lines = [line for line in run.stderr.strip().splitlines() if line.strip()]
        if bad:
            outcomes.append(bad)
        elif run.returncode == 0 or not lines:
            outcomes.append(Outcome(name, "cli", "wrong", f"exit {run.returncode}, stderr {run.stderr[:120]!r}",
                                    run.seconds, run.peak_rss))
        else:
            outcomes.append(ok(name, "cli", run, f"exit {run.returncode}: {lines[-1][:100]}"))
    # Hostile titles on a (forced) terminal: printed literally, nothing smuggled.
    for command in (["articles"], ["show", "1"], ["show", "2"], ["stories"], ["story", "1"], ["failures"]):
        name = "hostile text: " + " ".join(command)
        run = storyline(good_db, *command, timeout=60,
                        env={"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"})
        bad = judge_process(name, "cli", run, expect_exit={0})
        if bad:
            outcomes.append(bad)
        elif SMUGGLED.search(run.stdout + run.stderr):
            outcomes.append(Outcome(name, "cli", "wrong", "an escape sequence from stored text reached the terminal",
                                    run.seconds, run.peak_rss))
        else:
            outcomes.append(ok(name, "cli", run, "plain text"))
    return outcomes
