"""Full-text search whose cost is bounded whatever is stored, in the database's
own index: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL.

Hits are ranked by the index (bm25 / ts_rank_cd) and their snippets made from
bounded windows of their text: FTS5's snippet() and highlight() over a whole
text grow with the square of how often a word repeats in it, and ts_headline()
with the length of what it is given. On SQLite the windows are highlighted in a
private in-memory FTS5 table, and every query runs under a time budget kept by
the progress handler; on PostgreSQL ts_headline() marks them, under a
statement_timeout. Both give rows of the same shape.
"""
from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager

import sqlalchemy.exc

SEARCH_WINDOW = 16_000  # characters of a hit's text its snippet is made from
FIRST_WINDOW = 2_000  # characters tried first
TITLE_WINDOW = 1_000
SNIPPET_WORDS = 16
RANKED = 1_000  # PostgreSQL: the newest matches ranked for one search (SQLite's bm25 ranks from its index)
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
    except (sqlite3.OperationalError, sqlalchemy.exc.OperationalError) as exc:
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


def sqlite_page(db, windows_db: sqlite3.Connection, columns: str, query: str, limit: int, offset: int,
                mark: tuple[str, str], snippets: int | None, words: int, budget: float | None,
                cancelled: Callable[[], bool] | None) -> list[dict]:
    with search_budget(db.dbapi(), budget, cancelled) as check:
        rows = db.rows(
            f"SELECT {columns}, bm25(articles_fts) AS rank "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "JOIN outlets o ON o.id = a.outlet_id WHERE articles_fts MATCH :query "
            "ORDER BY rank LIMIT :limit OFFSET :offset",
            {"query": fts_query(query), "limit": limit, "offset": offset})
        check()
        windows = _windows(db, rows if snippets is None else rows[:snippets])
        check()
        marked = marked_windows(windows_db, query, windows, mark)
        check()
    return _with_snippets(rows, windows, marked, mark, words)


def postgres_page(db, columns: str, query: str, limit: int, offset: int, mark: tuple[str, str],
                  snippets: int | None, words: int, budget: float | None,
                  cancelled: Callable[[], bool] | None) -> list[dict]:
    """websearch_to_tsquery() takes the user's words as they are (quotes, "or",
    "-"), and never fails on them."""
    def check() -> None:
        if cancelled is not None and cancelled():
            raise SearchInterrupted("the server is shutting down")

    try:
        with db.transaction():
            if budget:
                db.execute(f"SET LOCAL statement_timeout = {max(1, int(budget * 1000))}")
            # Ranking reads each candidate's whole tsvector, so only the newest
            # RANKED matches are ranked (`id + 0` keeps the GIN index in charge of
            # finding them, not a walk down the primary key checking every row).
            rows = db.rows(
                f"SELECT {columns}, ts_rank_cd(a.search, q) AS rank FROM (SELECT id FROM articles, "
                "websearch_to_tsquery('english', :query) AS found WHERE search @@ found "
                "ORDER BY id + 0 DESC LIMIT :ranked) AS hit JOIN articles a ON a.id = hit.id "
                "JOIN outlets o ON o.id = a.outlet_id, websearch_to_tsquery('english', :query) AS q "
                "ORDER BY rank DESC, a.id DESC LIMIT :limit OFFSET :offset",
                {"query": query, "limit": limit, "offset": offset, "ranked": max(RANKED, offset + limit)})
            check()
            shown = rows if snippets is None else rows[:snippets]
            marked = _headlines(db, query, [r["id"] for r in shown], mark, FIRST_WINDOW)
            later = [i for i, (_, text) in marked.items() if mark[0] not in text and len(text) >= FIRST_WINDOW]
            marked.update(_headlines(db, query, later, mark, SEARCH_WINDOW))
            check()
    except sqlalchemy.exc.OperationalError as exc:
        if "statement timeout" in str(exc) or "canceling statement" in str(exc):
            raise SearchInterrupted(f"the search took longer than its {budget:g} s budget: "
                                    "try fewer or rarer words") from None
        raise
    return _with_snippets(rows, marked, marked, mark, words)


def _headlines(db, query: str, ids: list[int], mark: tuple[str, str], window: int) -> dict[int, tuple[str, str]]:
    """id -> (title, text window) with every match of any query word marked."""
    if not ids:
        return {}
    any_word = " or ".join(re.findall(r"\w+", query)) or '""'
    strip = "".join(m for m in mark if not m.isprintable())  # stored text cannot fake a mark
    options = f"StartSel={_quoted(mark[0])}, StopSel={_quoted(mark[1])}, HighlightAll=true"
    rows = db.rows(
        "SELECT a.id, ts_headline('english', translate(left(a.title, :title_chars), :strip, ''), q, :options) AS title, "
        "ts_headline('english', translate(left(a.text, :chars), :strip, ''), q, :options) AS text "
        "FROM articles a, websearch_to_tsquery('english', :any_word) AS q WHERE a.id IN :ids",
        {"title_chars": TITLE_WINDOW, "chars": window, "strip": strip, "options": options,
         "any_word": any_word, "ids": ids})
    return {r["id"]: (r["title"], r["text"]) for r in rows}


def _quoted(mark: str) -> str:
    return '"' + mark.replace('"', '""') + '"'


def _windows(db, rows: list[dict]) -> dict[int, tuple[str, str]]:
    if not rows:
        return {}
    return {r["id"]: (r["title"], r["text"]) for r in db.rows(
        f"SELECT id, substr(title, 1, {TITLE_WINDOW}) AS title, substr(text, 1, {SEARCH_WINDOW}) AS text "
        "FROM articles WHERE id IN :ids", {"ids": [r["id"] for r in rows]})}


def _with_snippets(rows: list[dict], windows: dict, marked: dict, mark: tuple[str, str], words: int) -> list[dict]:
    for row in rows:
        title, text = windows.get(row["id"], (None, None))
        marked_title, marked_text = marked.get(row["id"], (title, text))
        row["snippet"] = snippet(marked_text or "", mark, words) if text is not None else ""
        row["title_marked"] = marked_title if marked_title is not None else row["title"]
    return rows
