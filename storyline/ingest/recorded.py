"""What ingestion records, made safe to store and show: failure reasons and item
labels as one readable line of bounded length, and an article's fields without
control characters, lone surrogates or hostile lengths."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy.exc

from storyline.extract import ExtractionError
from storyline.extract.decode import printable
from storyline.feeds import FeedError
from storyline.fetch import FetchError
from storyline.model import Article

# Titles, authors, outlet names and dates longer than this are cut: no real one
# comes near, and every listing page would carry a hostile one in full.
MAX_FIELD_CHARS = 1000
# Recorded failure reasons and item labels are cut to this many characters.
MAX_REASON_CHARS = 500
MAX_LABEL_CHARS = 2000


@dataclass
class Outcome:
    """What became of one item: an article to store, a duplicate, or an error."""

    source: str
    article: Article | None = None
    error: str | None = None
    duplicate: bool = False


def failure_reason(exc: BaseException) -> str:
    """One readable line for whatever an item raised."""
    if isinstance(exc, RecursionError):
        text = "nested too deeply to read"
    elif isinstance(exc, MemoryError):
        text = "too large to read: out of memory"
    elif isinstance(exc, (FetchError, ExtractionError, FeedError, OSError)):
        text = str(exc) or type(exc).__name__
    elif isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.orig is not None:
        # the driver's own words, without the statement and parameters SQLAlchemy appends
        text = f"the database refused it: {(str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]}"
    else:
        text = f"unexpected {type(exc).__name__}" + (f": {exc}" if str(exc) else "")
    return one_line(text, MAX_REASON_CHARS)


def one_line(text: str, limit: int) -> str:
    line = " ".join(printable(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def item_label(source: str) -> str:
    """An item's name as recorded (failures are resolved by it, so it is the same every run)."""
    source = printable(str(source))
    return source if len(source) <= MAX_LABEL_CHARS else source[:MAX_LABEL_CHARS - 1] + "…"


def make_printable(article: Article) -> None:
    """No control characters or lone surrogates in anything stored (SQLite
    refuses surrogates; feeds out and terminals must not carry controls), and
    no hostile-length metadata."""
    article.text = printable(article.text)
    article.raw_text = printable(article.raw_text)
    article.title = one_line(article.title or "", MAX_FIELD_CHARS)
    article.outlet = one_line(article.outlet or "unknown", MAX_FIELD_CHARS) or "unknown"
    for name in ("author", "published", "language", "url", "canonical_url", "source", "feed_url"):
        value = getattr(article, name)
        if value is not None:
            value = one_line(value, MAX_FIELD_CHARS) if name in ("author", "published") else printable(value)
            setattr(article, name, value or None)
