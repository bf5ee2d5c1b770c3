"""`storyline import`: our JSONL export or an OPML subscription list, into any
database, empty or not.

An exported article is stored exactly as it was (its raw and clean text, content
hash, dates, source) unless the database has it already (same URL, canonical
URL or content hash: a duplicate), so importing twice adds nothing the second
time. Storing an article teaches the outlet's chrome statistics and may clean
the text again by what the database has learned so far, so once the file has
been read a second pass puts every new article's exported text back; only then
are the new articles placed in stories, in the order they were exported (the
order they were first stored). Feeds come back with their polling state, and
recorded failures with their times. Each line is handled on its own: a bad one
is recorded with its line number and reason, and the rest goes on.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import sqlalchemy.exc

from storyline.extract.limits import check_words
from storyline.feeds import FeedError, parse_opml, sniff
from storyline.feeds.parse import describe_json
from storyline.fetch.urls import domain, is_url, url_problem
from storyline.ingest import content_hash
from storyline.ingest.recorded import MAX_REASON_CHARS, failure_reason, item_label, make_printable, one_line
from storyline.model import Article, Failure
from storyline.storage import Store
from storyline.stories import place_article, place_pending
from storyline.transfer.export import FORMAT, VERSION

# A line longer than this is refused (an article at the 50,000-word limit, its
# raw text and JSON escaping come to a few MB).
MAX_LINE_BYTES = 32 * 1024 * 1024
MAX_OPML_BYTES = 10 * 1024 * 1024


class BadLine(ValueError):
    """Why one line of an export cannot be imported."""


@dataclass
class ImportReport:
    added: int = 0  # articles stored
    duplicates: int = 0  # articles the database had already
    feeds_added: int = 0
    feeds_known: int = 0
    failures_restored: int = 0
    failed: list[Failure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates,
                "failed": [{"source": f.source, "error": f.error} for f in self.failed],
                "feeds": {"added": self.feeds_added, "known": self.feeds_known},
                "failures_restored": self.failures_restored}


def import_files(store: Store, paths: list[str | Path]) -> ImportReport:
    importer = Importer(store)
    for path in paths:
        importer.file(Path(path))
    importer.finish()
    return importer.report


class Importer:
    def __init__(self, store: Store):
        self.store = store
        self.report = ImportReport()
        # Per export file: line number -> id of the article the line added.
        self.added: dict[Path, dict[int, int]] = {}

    def file(self, path: Path) -> None:
        if path.is_dir():
            self._fail(str(path), "a folder: give the export or OPML file itself")
            return
        try:
            with path.open("rb") as stream:
                first = stream.readline(MAX_LINE_BYTES)
                kind = _kind(first, first + stream.read(4096))
                stream.seek(0)
                if kind == "jsonl":
                    self._jsonl(path, stream)
                elif kind == "opml":
                    self._opml(path, stream)
                else:
                    self._fail(str(path), "neither a Storyline export (its first line is the "
                                          f'{{"type": "{FORMAT}"}} header) nor an OPML file')
        except (OSError, BadLine) as exc:
            self._fail(str(path), failure_reason(exc) if isinstance(exc, OSError) else str(exc))

    # -- JSONL ----------------------------------------------------------------------

    def _jsonl(self, path: Path, stream: BinaryIO) -> None:
        added = self.added.setdefault(path, {})
        for number, line in _lines(stream):
            source = f"{path}:{number}"
            try:
                article_id = self._line(line)
            except Exception as exc:  # noqa: BLE001 - one bad line fails alone, as in `add`
                self._fail(source, str(exc) if isinstance(exc, BadLine) else failure_reason(exc))
                continue
            self.store.resolve_failures(item_label(source))
            if article_id is not None:
                added[number] = article_id

    def _line(self, line: bytes | None) -> int | None:
        """Import one line; the new article's id, if it added one."""
        if line is None:
            raise BadLine(f"line is over {MAX_LINE_BYTES // 2**20} MB")
        record = _record(line)
        kind = record.get("type")
        if kind == FORMAT:
            _check_version(record)
        elif kind == "outlet":
            _strings(record, required=("name",), optional=("domain",))
            self.store.outlet_id(one_line(record["name"], 1000), record.get("domain"))
        elif kind == "feed":
            self._feed(record)
        elif kind == "article":
            return self._article(_article(record))
        elif kind == "failure":
            self._failure(record)
        else:
            raise BadLine(f"unknown line type {json.dumps(kind)[:60]} (outlet, feed, article or failure)")
        return None

    def _feed(self, record: dict) -> None:
        _strings(record, required=("url",), optional=("title", "site_url", "outlet", "etag", "last_modified",
                                                      "last_fetched", "last_status", "last_error", "created"))
        errors = record.get("errors") or 0
        if not isinstance(errors, int) or isinstance(errors, bool) or errors < 0:
            raise BadLine(f"errors is {describe_json(errors)}, not a count")
        url = _usable_url(record["url"])
        feed_id, new = self.store.add_feed(url)
        known = self.store.feed(url)
        exported_poll = record.get("last_fetched")
        if not new and (not exported_poll or (known["last_fetched"] or "") >= exported_poll):
            self.report.feeds_known += 1  # this database's own polling state is as new or newer
            return
        outlet_id = self.store.outlet_id(one_line(record["outlet"], 1000)) if record.get("outlet") else None
        self.store.execute(
            # As a poll records itself: what the export does not know is kept.
            "UPDATE feeds SET title = COALESCE(:title, title), site_url = COALESCE(:site_url, site_url), "
            "outlet_id = COALESCE(:outlet_id, outlet_id), etag = COALESCE(:etag, etag), "
            "last_modified = COALESCE(:last_modified, last_modified), last_fetched = :last_fetched, "
            "last_status = :last_status, last_error = :last_error, errors = :errors, "
            "created = COALESCE(:created, created) WHERE id = :id",
            {**{k: record.get(k) for k in ("title", "site_url", "etag", "last_modified", "last_fetched",
                                           "last_status", "last_error", "created")},
             "outlet_id": outlet_id, "errors": errors, "id": feed_id})
        if new:
            self.report.feeds_added += 1
        else:
            self.report.feeds_known += 1

    def _failure(self, record: dict) -> None:
        _strings(record, required=("source", "error", "at"), optional=("resolved",))
        values = {"source": item_label(record["source"]), "error": one_line(record["error"], MAX_REASON_CHARS),
                  "at": record["at"], "resolved": record.get("resolved")}
        if self.store.scalar("SELECT id FROM failures WHERE source = :source AND error = :error AND at = :at "
                             "LIMIT 1", values) is not None:
            return
        self.store.execute("INSERT INTO failures (source, error, at, resolved) "
                           "VALUES (:source, :error, :at, :resolved)", values)
        self.report.failures_restored += 1

    def _article(self, article: Article) -> int | None:
        keys = {"url": article.url, "canonical_url": article.canonical_url, "content_hash": article.content_hash}
        if self.store.find_duplicate(**keys):
            self.report.duplicates += 1
            return None
        try:
            article_id = self.store.insert_article(article, domain(article.canonical_url))
        except sqlalchemy.exc.IntegrityError:
            if not self.store.find_duplicate(**keys):
                raise  # not a race with another writer: a value the store refuses
            self.report.duplicates += 1
            return None
        self.report.added += 1
        self.report.article_ids.append(article_id)
        return article_id

    def _restore_texts(self, path: Path, added: dict[int, int]) -> None:
        """Give the new articles their exported text back (see the module's docstring)."""
        with path.open("rb") as stream:
            for number, line in _lines(stream):
                if number not in added:
                    continue
                article = _article(_record(line))
                with self.store.transaction() as db:
                    if db.execute("UPDATE articles SET text = :text, words = :words WHERE id = :id "
                                  "AND text != :text",
                                  {"text": article.text, "words": article.words, "id": added[number]}):
                        db.execute("DELETE FROM summaries WHERE article_id = :id", {"id": added[number]})

    # -- OPML -----------------------------------------------------------------------

    def _opml(self, path: Path, stream: BinaryIO) -> None:
        """Subscribe to every feed of the list; polling (`fetch`) picks them up."""
        body = stream.read(MAX_OPML_BYTES + 1)
        if len(body) > MAX_OPML_BYTES:
            raise BadLine(f"the OPML file is over {MAX_OPML_BYTES // 2**20} MB")
        try:
            subscriptions = parse_opml(body)
        except FeedError as exc:
            raise BadLine(str(exc)) from None
        for url, _title in subscriptions:
            try:
                _, new = self.store.add_feed(_usable_url(item_label(url)))
            except BadLine as exc:
                self._fail(item_label(url), f"OPML entry in {path}: {exc}")
                continue
            if new:
                self.report.feeds_added += 1
            else:
                self.report.feeds_known += 1

    # -- after the files --------------------------------------------------------------

    def finish(self) -> None:
        """Once every file is stored (a later file may teach chrome that cleans an
        earlier file's articles again): exported texts back, then stories."""
        for path, added in self.added.items():
            if added:
                try:
                    self._restore_texts(path, added)
                except (OSError, ValueError) as exc:  # the file changed or went away while importing
                    self._fail(str(path), f"articles added, but their exported text not restored: "
                                          f"{failure_reason(exc)}")
        if self.report.article_ids:
            self._place_and_brief()

    def _place_and_brief(self) -> None:
        """Place the new articles in stories in the order they were stored, then
        anything else left unplaced; re-brief the stories that gained articles.
        A failure here loses nothing: unplaced articles are placed by the next
        run, and briefs are checked against their story when read."""
        for article_id in self.report.article_ids:
            try:
                place_article(self.store, article_id)
            except Exception as exc:  # noqa: BLE001 - stored all the same
                self.report.failed.append(Failure(f"article {article_id}", "added, but not yet placed in a "
                                                                           f"story: {failure_reason(exc)}"))
        try:
            place_pending(self.store)
            from storyline.brief.stored import refresh_briefs

            stories = {self.store.article_story(i) for i in self.report.article_ids}
            refresh_briefs(self.store, stories - {None}, facts=False)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            self.report.failed.append(Failure("stories", f"placing or briefing stories failed: {failure_reason(exc)}"))

    def _fail(self, source: str, error: str) -> None:
        source, error = item_label(source), one_line(error, MAX_REASON_CHARS)
        self.store.record_failure(source, error)
        self.report.failed.append(Failure(source, error))


# -- reading lines ------------------------------------------------------------------


def _kind(first_line: bytes, head: bytes) -> str | None:
    if first_line.lstrip(b"\xef\xbb\xbf \t").startswith(b"{"):
        try:
            header = json.loads(first_line)
        except (ValueError, RecursionError):
            return None
        if isinstance(header, dict) and header.get("type") == FORMAT:
            _check_version(header)
            return "jsonl"
        raise BadLine(f"a JSON lines file without the {FORMAT} header: not an export "
                      "(a batch of articles to extract is for `storyline add`)")
    return "opml" if sniff(head) == "opml" else None


def _check_version(header: dict) -> None:
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadLine(f"the export header's version is {describe_json(version)}, not a version number")
    if version > VERSION:
        raise BadLine(f"written by a newer Storyline (export version {version}; this one reads {VERSION})")


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for every non-blank line, None for one over the size
    limit. Lines end at "\\n" only: JSON text may hold U+2028 and other characters
    str.splitlines() would break at."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif line.strip():
            yield number, line


def _record(line: bytes) -> dict:
    try:
        record = json.loads(line)
    except RecursionError:
        raise BadLine("bad JSON line: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BadLine(f"bad JSON line: {exc}") from None
    if not isinstance(record, dict):
        raise BadLine(f"bad JSON line: {describe_json(record)}, not an object")
    return record


def _strings(record: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    for key in required:
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise BadLine(f'the {record["type"]} line needs "{key}" as a non-empty string'
                          + (f", not {describe_json(record[key])}" if key in record else ""))
    for key in optional:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise BadLine(f"{key} is {describe_json(record[key])}, not a string")


def _usable_url(url: str) -> str:
    if not is_url(url):
        raise BadLine(f"not an http(s) URL: {one_line(url, 200)}")
    if problem := url_problem(url):
        raise BadLine(f"{problem} in {one_line(url, 200)}")
    return url


def _article(record: dict) -> Article:
    """The exported article as a record to store, after the checks `add` makes
    on anything it stores (printable fields, bounded lengths and word count)."""
    _strings(record, required=("title", "text", "outlet"),
             optional=("url", "canonical_url", "content_hash", "feed_url", "author", "published", "language",
                       "raw_text", "fetched", "source"))
    for key in ("url", "canonical_url", "feed_url"):
        if record.get(key):
            _usable_url(record[key])
    article = Article(
        url=record.get("url"), canonical_url=record.get("canonical_url"), title=record["title"],
        text=record["text"], outlet=record["outlet"], author=record.get("author"),
        published=record.get("published"), language=record.get("language"),
        raw_text=record.get("raw_text") or record["text"], fetched=record.get("fetched"),
        source=record.get("source"), feed_url=record.get("feed_url"),
        content_hash=record.get("content_hash") or content_hash(record["text"]))
    make_printable(article)
    check_words(article.text)
    return article
