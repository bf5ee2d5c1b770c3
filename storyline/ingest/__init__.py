"""Adding news: feeds, OPML lists, article URLs, files and folders become
stored articles, each item on its own, so one bad item never stops a batch.

Every stored item is committed on its own, and a feed's validators (ETag,
Last-Modified) are saved only after its items are, so a run killed at any
point can simply be run again: what was stored is recognised as a duplicate,
what was not is fetched again.

Every item (source, file, feed, feed item, OPML entry, batch line) is handled
inside one guard, `_guarded`: whatever it raises becomes that item's recorded
failure, and the batch goes on.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import sqlalchemy.exc

from storyline.config import FetchSettings
from storyline.extract import ExtractionError, chrome
from storyline.extract.files import local_path
from storyline.extract.language import detect
from storyline.feeds import sniff
from storyline.fetch import FetchError, Fetcher, describe_binary
from storyline.fetch.urls import canonical_url, domain, is_url, url_problem
from storyline.ingest.articles import (article_from_bytes, article_from_extracted, article_from_record,
                                       check_batch_line, content_hash)
from storyline.ingest.feeds import FeedIngest
from storyline.ingest.recorded import MAX_REASON_CHARS, failure_reason, item_label, make_printable, one_line
from storyline.ingest.recorded import Outcome as _Outcome
from storyline.model import Article, Extracted, FeedEntry, Failure, Fetched, IngestReport
from storyline.storage import Store
from storyline.stories import place_article, place_pending

__all__ = ["Ingestor", "Progress", "content_hash"]

class Progress:
    """What a batch reports as it goes; the CLI draws it, Python callers ignore it."""

    def add(self, n: int) -> None:
        pass

    def advance(self, label: str = "") -> None:
        pass


class Ingestor(FeedIngest):
    def __init__(self, store: Store, fetcher: Fetcher | None = None,
                 settings: FetchSettings | None = None, outlet: str | None = None,
                 progress: Progress | None = None):
        self.store = store
        self.settings = settings or (fetcher.settings if fetcher else FetchSettings())
        self._owns_fetcher = fetcher is None
        self.fetcher = fetcher or Fetcher(self.settings)
        self.outlet = outlet
        self.progress = progress or Progress()
        self.retry_after: dict[str, float | None] = {}  # feed URL -> the wait its server asked for

    def __enter__(self) -> "Ingestor":
        return self

    def __exit__(self, *exc) -> None:
        if self._owns_fetcher:
            self.fetcher.close()

    # -- entry points -------------------------------------------------------------

    def add(self, sources: Iterable[str]) -> IngestReport:
        report = IngestReport()
        sources = list(sources)
        self.progress.add(len(sources))
        self._place_pending(report)
        for source in sources:
            for outcome in self._guarded(str(source), lambda s=source: self._source(s)):
                self._record(outcome, report)
            self.progress.advance(str(source))
        self._refresh_briefs(report)
        return report

    def fetch_feeds(self) -> IngestReport:
        """Poll every known feed once, with conditional requests; one feed's
        failure, whatever it is, does not keep the others from being polled."""
        report = IngestReport()
        self._place_pending(report)
        feeds = self.store.feeds()
        self.progress.add(len(feeds))
        for feed in feeds:
            for outcome in self._guarded(feed["url"], lambda u=feed["url"]: self._poll_feed(u)):
                self._record(outcome, report)
            self.progress.advance(feed["url"])
        self._refresh_briefs(report)
        return report

    def poll_feed(self, url: str) -> tuple[IngestReport, float | None]:
        """Poll one known feed (conditional GET) and store, place and brief its new
        items: the report, and the seconds its server asked us to wait, if it did."""
        report = IngestReport()
        self.retry_after.pop(url, None)
        for outcome in self._guarded(url, lambda: self._poll_feed(url)):
            self._record(outcome, report)
        self._refresh_briefs(report)
        return report, self.retry_after.pop(url, None)

    def _place_pending(self, report: IngestReport) -> None:
        """Place what a killed run stored but did not place. Not an item of this
        batch: a failure is reported, and the batch goes on."""
        try:
            place_pending(self.store)
        except Exception as exc:  # the articles stay stored and unplaced; the next run tries again
            report.failed.append(Failure("stories", f"placing earlier articles in stories failed: {failure_reason(exc)}"))

    def _refresh_briefs(self, report: IngestReport) -> None:
        """Re-brief the stories that gained articles, without their facts (NER is
        slow; a full brief is renewed when it is next asked for). A failure here
        loses nothing: every stored brief is checked against its story when read."""
        if not report.article_ids:
            return
        try:
            self._refresh_stories(report.article_ids)
        except Exception as exc:  # see the docstring: reported, nothing lost
            report.failed.append(Failure("story briefs", f"refreshing story briefs failed: {failure_reason(exc)}"))

    def _refresh_stories(self, article_ids: list[int]) -> None:
        from storyline.brief.stored import refresh_briefs

        story_ids = set()
        for article_id in article_ids:
            story_id = self.store.article_story(article_id)
            if story_id is not None:
                story_ids.add(story_id)
        refresh_briefs(self.store, story_ids, facts=False)

    # -- the per-item guard --------------------------------------------------------

    def _guarded(self, source: str, steps: Callable[[], Iterator[_Outcome]]) -> Iterator[_Outcome]:
        """The outcomes of one item's steps; if any step raises, the outcomes so
        far stand and the error becomes one more, failed, outcome for `source`."""
        try:
            yield from steps()
        # The one place a broad catch is right: hostile input reaches our code and
        # lxml, feedparser, trafilatura, httpx, json and sqlite, each with its own
        # exception types, and none of them may end the batch. KeyboardInterrupt
        # and SystemExit are not Exceptions and still stop it; MemoryError is,
        # and is recorded as this item's failure (its allocation is released).
        except Exception as exc:
            yield _Outcome(source, error=failure_reason(exc))

    # -- dispatch -----------------------------------------------------------------

    def _source(self, source: str) -> Iterator[_Outcome]:
        if not source.strip():  # Path("") is the current folder: never what was meant
            yield _Outcome(source, error="empty source: give a URL, a file or a folder")
            return
        if is_url(source):
            problem = url_problem(source)
            if problem:
                yield _Outcome(source, error=f"{problem} in URL {source}")
            elif self.store.feed(source):
                yield from self._poll_feed(source)
            elif self.store.find_duplicate(url=source, canonical_url=canonical_url(source)):
                yield _Outcome(source, duplicate=True)
            else:
                yield from self._url(source)
            return
        path = local_path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            self.progress.add(len(files))
            for file in files:
                yield from self._guarded(str(file), lambda f=file: self._file(f))
                self.progress.advance(str(file))
        elif path.is_file():
            yield from self._file(path)
        else:
            yield _Outcome(source, error="no such file or folder, and not an http(s) URL")

    def _url(self, url: str) -> Iterator[_Outcome]:
        try:
            fetched = self.fetcher.get(url)
        except FetchError as exc:
            yield _Outcome(url, error=str(exc))
            return
        kind = sniff(fetched.body, fetched.content_type)
        if kind in ("feed", "json-feed"):
            yield from self._poll_feed(url, fetched)
        elif kind == "opml":
            yield from self._opml(url, fetched.body)
        else:
            yield self._page_outcome(url, lambda: self._article_from_fetched(fetched, kind))

    def _file(self, path: Path) -> Iterator[_Outcome]:
        source = str(path)
        if path.name.lower().endswith((".warc", ".warc.gz")):
            yield from self._warc(path)
            return
        try:
            size = path.stat().st_size
            if size > self.settings.max_bytes:
                raise ValueError(f"file is {size:,} bytes, over the {self.settings.max_bytes:,}-byte limit")
            body = path.read_bytes()
        except (OSError, ValueError) as exc:
            yield _Outcome(source, error=str(exc))
            return
        binary = describe_binary(body)
        if binary:
            yield _Outcome(source, error=f"unsupported file: {binary}, not a page, feed or text")
            return
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from self._jsonl(path, body)
            return
        kind = "text" if suffix in (".txt", ".text", ".md") else sniff(body)
        if kind in ("feed", "json-feed"):
            yield from self._feed_entries(source, body, feed_url=None)
        elif kind == "opml":
            yield from self._opml(source, body)
        else:
            folder = path.parent.name or None
            yield self._page_outcome(source, lambda: self._article_from_bytes(
                body, kind, url=None, source=source, outlet_hint=folder))

    def _warc(self, path: Path) -> Iterator[_Outcome]:
        """A crawl's pages, read record by record as `storyline batch` reads them
        (any size: never read whole), each page one item."""
        from storyline.batch.articles import article_from_item
        from storyline.batch.inputs import plan, read_chunk

        for chunk in plan([str(path)]):
            for item in read_chunk(chunk, self.settings.max_bytes):
                self.progress.add(1)
                if isinstance(item, Failure):
                    yield _Outcome(item.source, error=item.error)
                else:
                    yield self._page_outcome(item.source, lambda i=item: article_from_item(i))
                self.progress.advance(item.source)

    def _jsonl(self, path: Path, body: bytes) -> Iterator[_Outcome]:
        """One JSON object a line: {"url"}, {"html", "url"?, "outlet"?} or
        {"text", "title", "outlet"?, "url"?, "author"?, "published"?}."""
        # Lines end at "\n" only: str.splitlines would also cut at U+2028 and other
        # separators JSON strings may hold raw.
        lines = body.decode("utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.progress.add(len(lines))
        for number, line in enumerate(lines, start=1):
            source = f"{path}:{number}"
            self.progress.advance(source)
            if line.strip():
                yield from self._guarded(source, lambda s=source, l=line: self._jsonl_line(s, l))

    def _jsonl_line(self, source: str, line: str) -> Iterator[_Outcome]:
        record = check_batch_line(line)
        if isinstance(record, str):
            yield _Outcome(source, error=record)
            return
        url = record.get("url")
        if url and not (record.get("html") or record.get("text")):
            if is_url(url):
                yield from self._source(url)
            else:
                yield _Outcome(source, error=f"url is not an http(s) URL: {url}")
        elif url and (problem := url_problem(url)):
            yield _Outcome(source, error=f"{problem} in url {url}")
        else:  # check_batch_line made sure it has html or text
            yield self._page_outcome(source, lambda: self._article_from_record(record, source))

    # -- making articles --------------------------------------------------------------

    def _page_outcome(self, source: str, make: Callable[[], Article]) -> _Outcome:
        """One article made by `make`, inside the per-item guard (it may run in a worker thread)."""
        return next(self._guarded(source, lambda: iter([_Outcome(source, article=make())])))

    def _article_from_link(self, entry: FeedEntry, source: str, feed_title: str | None,
                           feed_url: str | None) -> Article:
        fetched = self.fetcher.get(entry.link)
        article = self._article_from_fetched(fetched, sniff(fetched.body, fetched.content_type),
                                             outlet_hint=feed_title)
        article.title = article.title or entry.title or ""
        # Keep the address the feed gives, so the next poll knows the item
        # without fetching it (the page's own canonical URL is kept too).
        article.url = entry.link
        article.published = article.published or entry.published
        article.author = article.author or entry.author
        article.feed_url = feed_url
        article.source = source
        return article

    def _article_from_entry(self, entry: FeedEntry, text: str, source: str,
                            feed_title: str | None, feed_url: str | None) -> Article:
        extracted = Extracted(text=chrome.clean(text, entry.title), raw_text=text, title=entry.title,
                              author=entry.author, published=entry.published, url=entry.link,
                              language=detect(text))
        article = self._article(extracted, url=entry.link, source=source, outlet_hint=feed_title)
        article.feed_url = feed_url
        return article

    def _article_from_fetched(self, fetched: Fetched, kind: str, outlet_hint: str | None = None) -> Article:
        if kind in ("feed", "json-feed", "opml"):
            raise ExtractionError(f"{fetched.final_url} is a feed or subscription list, not an article page")
        return self._article_from_bytes(fetched.body, kind, url=fetched.final_url,
                                        source=fetched.url, outlet_hint=outlet_hint,
                                        charset=fetched.charset)

    def _article_from_bytes(self, body: bytes, kind: str, *, url: str | None, source: str,
                            outlet_hint: str | None, charset: str | None = None) -> Article:
        return article_from_bytes(body, kind, url=url, source=source, outlet_hint=outlet_hint,
                                  charset=charset, outlet=self.outlet)

    def _article_from_record(self, record: dict, source: str) -> Article:
        return article_from_record(record, source, outlet=self.outlet)

    def _article(self, ex: Extracted, *, url: str | None, source: str, outlet_hint: str | None) -> Article:
        return article_from_extracted(ex, url=url, source=source, outlet_hint=outlet_hint, outlet=self.outlet)

    # -- storing ------------------------------------------------------------------------

    def _record(self, outcome: _Outcome, report: IngestReport) -> None:
        outcome.source = item_label(outcome.source)
        if outcome.article is not None:
            try:
                self._store(outcome.article, outcome.source, report)
                return
            except Exception as exc:  # a store refusal (sqlite, a value it rejects) fails this item only
                outcome.article, outcome.error = None, failure_reason(exc)
        if outcome.duplicate:
            report.duplicates += 1
            return
        error = one_line(outcome.error or "failed for an unknown reason", MAX_REASON_CHARS)
        outcome.error = error
        self.store.record_failure(outcome.source, error)
        report.failed.append(Failure(outcome.source, error))

    def _store(self, article: Article, source: str, report: IngestReport) -> None:
        make_printable(article)
        existing = self.store.find_duplicate(url=article.url, canonical_url=article.canonical_url,
                                             content_hash=article.content_hash)
        if existing:
            report.duplicates += 1
            self.store.resolve_failures(source)
            return
        try:
            article_id = self.store.insert_article(article, domain(article.canonical_url))
        except sqlalchemy.exc.IntegrityError:
            if not self.store.find_duplicate(url=article.url, canonical_url=article.canonical_url,
                                             content_hash=article.content_hash):
                raise  # not a race with another writer: a value the store refuses
            report.duplicates += 1  # raced with another writer on the same article
            return
        report.added += 1
        report.article_ids.append(article_id)
        self.store.resolve_failures(source)
        try:
            place_article(self.store, article_id)
        except Exception as exc:  # stored all the same; place_pending tries again on the next run
            report.failed.append(Failure(source, f"added, but not yet placed in a story: {failure_reason(exc)}"))
