"""Ingesting feeds: polling a feed (conditional GET, validators saved only after
its items), its entries (the item's own content when it is the full article,
else the linked page, fetched a few at a time) and OPML lists. A mixin of the
Ingestor: every item goes through its per-item guard (`self._guarded`)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

from storyline.extract.fragment import fragment_text
from storyline.feeds import FeedError, parse_feed, parse_opml
from storyline.fetch import FetchError
from storyline.fetch.urls import canonical_url, is_url, url_problem
from storyline.ingest.recorded import Outcome as _Outcome, item_label
from storyline.model import Article, FeedEntry, Fetched

# A feed item whose own content has at least this many words is taken as the
# full article; shorter content is a teaser and the linked page is fetched.
FULL_CONTENT_WORDS = 150


class FeedIngest:
    def _poll_feed(self, url: str, fetched: Fetched | None = None) -> Iterator[_Outcome]:
        problem = url_problem(url)
        if problem:  # never registered; one registered by an older version is marked
            error = f"{problem} in feed URL {url}"
            known = self.store.feed(url)
            if known:
                self.store.feed_fetched(known["id"], status="error", error=error)
            yield _Outcome(url, error=error)
            return
        feed_id, _ = self.store.add_feed(url)
        state = self.store.feed(url) or {}
        if fetched is None:
            try:
                fetched = self.fetcher.get(url, state.get("etag"), state.get("last_modified"))
            except FetchError as exc:
                self.retry_after[url] = exc.retry_after
                self.store.feed_fetched(feed_id, status="error", error=str(exc))
                yield _Outcome(url, error=str(exc))
                return
        if fetched.not_modified:
            self.store.feed_fetched(feed_id, status="not modified", hint_every=fetched.max_age)
            return
        try:
            parsed = parse_feed(fetched.body, content_type=fetched.content_type,
                                charset=fetched.charset, url=fetched.final_url)
        except FeedError as exc:
            self.store.feed_fetched(feed_id, status="error", error=str(exc))
            yield _Outcome(url, error=str(exc))
            return
        failed = False
        for outcome in self._entries(url, parsed.entries, parsed.title, feed_url=url):
            yield outcome
            # Read after the yield: by then the outcome is recorded, and a store
            # error has turned it into a failure.
            failed = failed or outcome.error is not None
        # Validators are kept only when every item made it, so failed items
        # are retried on the next poll instead of hiding behind a 304.
        self.store.feed_fetched(
            feed_id, status="ok" if not failed else "ok, some items failed",
            etag=fetched.etag, last_modified=fetched.last_modified, validators=not failed,
            title=parsed.title, site_url=parsed.site_url,
            hint_every=max(parsed.poll_hint or 0, fetched.max_age or 0) or None,
        )

    def _feed_entries(self, source: str, body: bytes, feed_url: str | None) -> Iterator[_Outcome]:
        try:
            parsed = parse_feed(body)
        except FeedError as exc:
            yield _Outcome(source, error=str(exc))
            return
        if not parsed.entries:
            yield _Outcome(source, error="the feed has no items")
            return
        yield from self._entries(source, parsed.entries, parsed.title, feed_url)

    def _entries(self, source: str, entries: list[FeedEntry], feed_title: str | None,
                 feed_url: str | None) -> Iterator[_Outcome]:
        self.progress.add(len(entries))
        jobs: list[tuple[str, Callable[[], Article]]] = []
        for number, entry in enumerate(entries, start=1):
            item = item_label(entry.link or f"{source} item {number}")
            waiting = len(jobs)
            yield from self._guarded(item, lambda e=entry, i=item: self._entry(e, i, feed_title, feed_url, jobs))
            if len(jobs) == waiting:  # done now, not left for a fetch below
                self.progress.advance(item)
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = {pool.submit(self._page_outcome, item, job): item for item, job in jobs}
            for future in as_completed(futures):
                self.progress.advance(futures[future])
                yield future.result()

    def _entry(self, entry: FeedEntry, item: str, feed_title: str | None, feed_url: str | None,
               jobs: list[tuple[str, Callable[[], Article]]]) -> Iterator[_Outcome]:
        """One feed item: its outcome now, or a job that fetches its linked page later."""
        problem = entry.error
        if not problem and entry.link and is_url(entry.link) and (bad := url_problem(entry.link)):
            problem = f"{bad} in link {entry.link}"
        if problem:
            yield _Outcome(item, error=problem)
        elif entry.link and self.store.find_duplicate(url=entry.link, canonical_url=canonical_url(entry.link)):
            yield _Outcome(item, duplicate=True)
        else:
            body_text = fragment_text(entry.content_html or "")
            if len(body_text.split()) >= FULL_CONTENT_WORDS or (not entry.link and body_text):
                yield self._page_outcome(item, lambda: self._article_from_entry(
                    entry, body_text, item, feed_title, feed_url))
            elif entry.link:
                jobs.append((item, lambda: self._article_from_link(entry, item, feed_title, feed_url)))
            else:
                yield _Outcome(item, error="feed item has neither a link nor any content")

    def _opml(self, source: str, body: bytes) -> Iterator[_Outcome]:
        try:
            subscriptions = parse_opml(body)
        except FeedError as exc:
            yield _Outcome(source, error=str(exc))
            return
        self.progress.add(len(subscriptions))
        for url, _title in subscriptions:
            url = item_label(url)
            if not is_url(url):
                yield _Outcome(url, error=f"OPML entry in {source} is not an http(s) URL")
            elif problem := url_problem(url):
                yield _Outcome(url, error=f"OPML entry in {source}: {problem} in {url}")
            else:
                yield from self._guarded(url, lambda u=url: self._poll_feed(u))
            self.progress.advance(url)
