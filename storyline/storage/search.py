"""Full-text search whose cost is bounded whatever is stored.

FTS5's snippet() and highlight() over a whole text grow with the square of how
often a word repeats in it, so hits are ranked by FTS5 and their snippets made
from bounded windows of their text, highlighted in a private in-memory FTS5
table; every query runs under a time budget kept by SQLite's progress handler.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager

SEARCH_WINDOW = 16_000  # characters of a hit's text its snippet is made from
FIRST_WINDOW = 2_000  # characters tried first
TITLE_WINDOW = 1_000
SNIPPET_WORDS = 16
PROGRESS_STEPS = 1_000  # SQLite virtual machine steps between two looks at the budget


class SearchInterrupted(Exception):
    """A search stopped by its time budget or because the server is stopping."""


def window_db() -> sqlite3.Connection:
    """A private in-memory FTS5 table (same tokenizer as articles_fts) to
    highlight bounded windows of text with SQLite's own matching."""
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE window USING fts5(title, text, tokenize='porter unicode61')")
    return db


@contextmanager
def search_budget(db: sqlite3.Connection, seconds: float | None, cancelled: Callable[[], bool] | None):
    """Run a search under SQLite's progress handler: it is interrupted once
    `seconds` have passed or `cancelled()` is true (the server is stopping).
    Yields a check() for the Python steps between queries."""
    deadline = time.monotonic() + seconds if seconds else None

    def reason() -> str | None:
        if cancelled is not None and cancelled():
            return "the server is shutting down"
        if deadline is not None and time.monotonic() > deadline:
            return f"the search took longer than its {seconds:g} s budget: try fewer or rarer words"
        return None

    def check() -> None:
        why = reason()
        if why:
            raise SearchInterrupted(why)

    if deadline is None and cancelled is None:
        yield check
        return
    db.set_progress_handler(lambda: reason() is not None, PROGRESS_STEPS)
    try:
        yield check
    except sqlite3.OperationalError as exc:
        why = reason()
        if why and "interrupt" in str(exc).lower():
            raise SearchInterrupted(why) from None
        raise
    finally:
        db.set_progress_handler(None, 0)


def fts_query(text: str, operator: str = " ") -> str:
    """User words as quoted FTS5 terms, so punctuation cannot form syntax
    (control characters, NUL included, are spaces)."""
    text = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)
    terms = [t.replace('"', '""') for t in text.split() if t.strip()]
    return operator.join(f'"{t}"' for t in terms) or '""'


def marked_windows(db: sqlite3.Connection, query: str, windows: dict[int, tuple[str, str]],
                   mark: tuple[str, str]) -> dict[int, tuple[str, str]]:
    """id -> (title, text) windows with every match of any query word marked.
    The first FIRST_WINDOW characters are tried first (matches are usually
    early, and highlighting costs more than linear time in the matches), the
    whole window only for texts without a match there."""
    strip = {ord(m): None for m in mark if not m.isprintable()}  # stored text cannot fake a mark
    windows = {i: ((t or "").translate(strip), (x or "").translate(strip)) for i, (t, x) in windows.items()}
    marked = _highlight(db, query, {i: (t, x[:FIRST_WINDOW]) for i, (t, x) in windows.items()}, mark)
    later = {i: w for i, w in windows.items()
             if len(w[1]) > FIRST_WINDOW and mark[0] not in marked.get(i, ("", ""))[1]}
    marked.update(_highlight(db, query, later, mark))
    return marked


def _highlight(db: sqlite3.Connection, query: str, windows: dict[int, tuple[str, str]],
               mark: tuple[str, str]) -> dict[int, tuple[str, str]]:
    if not windows:
        return {}
    try:
        db.executemany("INSERT INTO window (rowid, title, text) VALUES (?, ?, ?)",
                       [(i, t, x) for i, (t, x) in windows.items()])
        return {row[0]: (row[1], row[2]) for row in db.execute(
            "SELECT rowid, highlight(window, 0, ?, ?), highlight(window, 1, ?, ?) FROM window WHERE window MATCH ?",
            (*mark, *mark, fts_query(query, " OR ")))}
    finally:
        db.execute("DELETE FROM window")


def snippet(marked: str, mark: tuple[str, str], words: int) -> str:
    """About `words` words of a marked window, starting just before its first match."""
    tokens = marked.split()
    first = next((i for i, t in enumerate(tokens) if mark[0] in t), 0)
    start = max(0, first - words // 4)
    text = " ".join(tokens[start:start + words])
    before = " ".join(tokens[max(0, start - 200):start])
    if before.rfind(mark[0]) > before.rfind(mark[1]):  # the cut falls inside a marked phrase
        text = mark[0] + text
    if text.rfind(mark[0]) > text.rfind(mark[1]):
        text += mark[1]
    return ("… " if start else "") + text + (" …" if start + words < len(tokens) else "")
