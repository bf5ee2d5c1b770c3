"""What the pages and the API show, read from the store: one `Reader` per
server, a thin layer over the library (storage, summaries, briefs, ingestion).

SQLite: one connection per server thread (WAL lets readers run beside the one
writer); writes from the server (new sources and articles) take a lock so
they queue instead of contending for the database.
"""
from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyline.config import FetchSettings
from storyline.status import queries as status_queries
from storyline.status.report import status
from storyline.storage import Store, open_store
from storyline.storage.derived import moment

log = logging.getLogger("storyline.web")

PER_PAGE = 20
FRONT_CHUNK = 50  # stories read at a time when a user's mutes filter the front page
RANKING_TTL = 2.0  # seconds between checks that the stored stories changed
LAST_UPDATE_TTL = 5.0  # seconds "updated N minutes ago" may lag (it reads two maxima without index)
HALF_DAY_HOURS = 12.0
GRAVITY = 1.5
SEARCH_BUDGET = 2.0  # seconds one search may run (STORYLINE_SEARCH_BUDGET)
_NOT_WORDS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")


def search_words(query: str | None) -> str:
    """A query as typed, without control characters (NUL included); '' when nothing is left."""
    return _NOT_WORDS.sub(" ", query or "").strip()


def story_score(outlets: int, age_hours: float) -> float:
    """Front-page rank: the number of outlets covering a story, decayed by the
    time since its latest article (measured from the newest story stored)."""
    return outlets / (max(age_hours, 0.0) / HALF_DAY_HOURS + 1.0) ** GRAVITY


def _hours(iso: str | None) -> float | None:
    when = moment(iso)
    return when.timestamp() / 3600.0 if when else None


def story_times(members: list[dict]) -> dict:
    """When a story's articles were published and added, kept apart: the first
    and last publication times (None when no article gives one), when its first
    article was added, the added times of its undated articles, and its latest
    moment (what the front page shows) labelled "published" or "added"."""
    members = [m for m in members if isinstance(m, dict)]
    dated = [m["published"] for m in members if m.get("published")]
    undated = [m["added"] for m in members if not m.get("published") and m.get("added")]
    latest = max(((m.get("published") or m.get("added"), "published" if m.get("published") else "added")
                  for m in members if m.get("published") or m.get("added")), default=None)
    return {"first_published": min(dated, default=None), "last_published": max(dated, default=None),
            "added": min((m["added"] for m in members if m.get("added")), default=None),
            "undated": len([m for m in members if not m.get("published")]),
            "undated_first_added": min(undated, default=None), "undated_last_added": max(undated, default=None),
            "latest": {"at": latest[0], "label": latest[1]} if latest else None}


@dataclass
class Ranked:
    id: int
    last_seen: str | None
    articles: int
    outlets: int
    score: float


@dataclass
class _Ranking:
    version: tuple = ()
    checked: float = 0.0
    items: list[Ranked] = field(default_factory=list)


class _KeptPages:
    """Pages kept until the ranking they were made from changes (at most 256)."""

    LIMIT = 256

    def __init__(self) -> None:
        self.pages: dict[tuple, tuple] = {}

    def get(self, key: tuple, version):
        kept = self.pages.get(key)
        return kept[1] if kept is not None and kept[0] == version else None

    def put(self, key: tuple, version, page) -> None:
        if len(self.pages) > self.LIMIT:
            self.pages.clear()
        self.pages[key] = (version, page)


class Reader:
    def __init__(self, db: str, *, token: str | None = None, settings: FetchSettings | None = None,
                 search_budget: float | None = SEARCH_BUDGET):
        self.db = str(db)
        self.token = token or None
        self.settings = settings or FetchSettings()
        self.search_budget = search_budget
        self.stopping = threading.Event()  # set when the server shuts down: searches stop at once
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()
        self._ranking = _Ranking()
        self._ranking_lock = threading.Lock()
        self._front_cache = _KeptPages()
        self._front_making: dict[tuple, threading.Lock] = {}
        self._muted_cache = _KeptPages()  # front pages of readers who mute something
        self._last_update: tuple[float, str | None] = (float("-inf"), None)
        self.write_lock = threading.Lock()
        open_store(self.db).close()  # create / migrate once, up front

    # -- connections ---------------------------------------------------------------

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is not None and store.db.conn.invalidated:
            # The database dropped this connection (restarted, failed over): SQLAlchemy
            # refuses to reconnect it until rolled back, so every later request on
            # this thread would fail. Open a new one instead.
            self._forget(store)
            store = None
        if store is None:
            store = open_store(self.db)
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _forget(self, store: Store) -> None:
        self._local.store = None
        with self._stores_lock:
            if store in self._stores:
                self._stores.remove(store)
        try:
            store.close()
        except Exception:  # noqa: BLE001 - the connection is gone already
            pass

    def close(self) -> None:
        with self._stores_lock:
            for store in self._stores:
                try:
                    store.close()
                except Exception:  # a connection owned by a finished thread
                    pass
            self._stores.clear()

    # -- front page ranking ------------------------------------------------------------

    def ranking(self) -> list[Ranked]:
        """Every story, best first; recomputed when articles or stories were added."""
        r = self._ranking
        now = time.monotonic()
        if r.items is not None and now - r.checked < RANKING_TTL and r.version:
            return r.items
        with self._ranking_lock:
            r = self._ranking
            if now - r.checked < RANKING_TTL and r.version:
                return r.items
            store = self.store()
            version = status_queries.reader_version(store)
            if version != r.version:
                rows = store.story_ranking_rows()
                hours = [_hours(last) for _, last, _, _ in rows]
                newest = max((h for h in hours if h is not None), default=0.0)
                items = [Ranked(sid, last, n, outlets,
                                story_score(outlets, newest - h if h is not None else 1e6))
                         for (sid, last, n, outlets), h in zip(rows, hours)]
                items.sort(key=lambda x: (-x.score, -(_hours(x.last_seen) or 0), -x.id))
                self._ranking = _Ranking(version, time.monotonic(), items)
            else:
                self._ranking = _Ranking(version, time.monotonic(), r.items)
            return self._ranking.items

    def ranked(self, offset: int, limit: int, only: str = "all") -> tuple[list[Ranked], int]:
        items = self.ranking()
        if only == "multi":
            items = [x for x in items if x.articles > 1]
        elif only == "single":
            items = [x for x in items if x.articles == 1]
        return items[offset:offset + limit], len(items)

    def front_page(self, offset: int, limit: int = PER_PAGE, only: str = "all") -> tuple[list[dict], int]:
        """A page of ranked stories with their lead sentences. Kept in memory
        until the ranking is recomputed (new articles or stories)."""
        self.ranking()
        key = (offset, limit, only)
        version = self._ranking.version
        cached = self._front_cache.get(key, version)
        if cached is not None:
            return cached
        with self._ranking_lock:
            if len(self._front_making) > 256:
                self._front_making.clear()  # at worst two requests make one page at once
            making = self._front_making.setdefault(key, threading.Lock())
        with making:  # one request makes a missing page (its briefs); the others wait for it
            cached = self._front_cache.get(key, version)
            if cached is not None:
                return cached
            result = self._front_page(offset, limit, only)
            self._front_cache.put(key, version, result)
        return result

    def _front_page(self, offset: int, limit: int, only: str) -> tuple[list[dict], int]:
        chosen, total = self.ranked(offset, limit, only)
        store = self.store()
        stories = store.stories_by_ids([x.id for x in chosen])
        by_id = {x.id: x for x in chosen}
        for story in stories:
            brief = self.brief(story["id"], facts=False)
            story["lead"] = [s["text"] for s in (brief or {}).get("sentences", [])[:2]]
            story["brief_text"] = " ".join(s["text"] for s in (brief or {}).get("sentences", []))  # for mutes
            story["lead_citations"] = [s["citations"] for s in (brief or {}).get("sentences", [])[:2]]
            story["outlet_count"] = by_id[story["id"]].outlets
            story["times"] = story_times(story["articles"])
            story["score"] = round(by_id[story["id"]].score, 4)
        return stories, total

    def front_page_for(self, offset: int, limit: int, only: str, hidden, key=None) -> tuple[list[dict], bool, int]:
        """A page of the ranked stories a user sees: those `hidden(story)` leaves.
        (stories, whether more follow, how many were hidden up to this page's end).
        The ranking is walked a chunk at a time from the shared cache. With `key`
        (what `hidden` is made of: the user's mutes) the page is kept, as the
        front page is, until the ranking changes."""
        if key is None:
            return self._walk(offset, limit, only, hidden)
        self.ranking()
        version, cache_key = self._ranking.version, (offset, limit, only, key)
        cached = self._muted_cache.get(cache_key, version)
        if cached is not None:
            return cached
        result = self._walk(offset, limit, only, hidden)
        self._muted_cache.put(cache_key, version, result)
        return result

    def _walk(self, offset: int, limit: int, only: str, hidden) -> tuple[list[dict], bool, int]:
        visible: list[dict] = []
        skipped = start = 0
        while len(visible) <= offset + limit:
            chunk, total = self.front_page(start, FRONT_CHUNK, only)
            for story in chunk:
                if hidden(story):
                    skipped += 1 if len(visible) < offset + limit else 0
                else:
                    visible.append(story)
            start += FRONT_CHUNK
            if start >= total:
                break
        return visible[offset:offset + limit], len(visible) > offset + limit, skipped

    def last_update(self) -> str | None:
        """When something last came in (a successful poll or a stored article), by
        whichever process; for "updated N minutes ago"."""
        checked, value = self._last_update
        if time.monotonic() - checked >= LAST_UPDATE_TTL:
            value = self.store().last_update()
            self._last_update = (time.monotonic(), value)
        return value

    # -- stories -----------------------------------------------------------------------------

    def brief(self, story_id: int, facts: bool) -> dict | None:
        """The story's brief (see storyline.brief.stored.story_brief); if making
        it fails, a stand-in from the summary of the story's first original
        article, so a page never breaks on it."""
        store = self.store()
        try:
            from storyline.brief.stored import story_brief
            return story_brief(store, story_id, facts=facts)
        except Exception as exc:  # noqa: BLE001 - any stage failing must not take the page down
            if facts:
                log.warning("brief with facts failed for story %s (%s); trying without", story_id, exc)
                try:
                    body = story_brief(store, story_id, facts=False)
                    if body is not None:
                        return body | {"facts_error": str(exc) or type(exc).__name__}
                except Exception:  # noqa: BLE001
                    pass
            log.warning("brief failed for story %s: %r", story_id, exc)
            return self._fallback_brief(story_id, exc)

    def _fallback_brief(self, story_id: int, exc: Exception) -> dict | None:
        from storyline.summary.stored import article_summary

        store = self.store()
        members = store.story_articles(story_id)
        if not members and store.get_story(story_id) is None:
            return None
        originals = [m for m in members if m["duplicate_of"] is None] or members
        sentences = []
        words = 0
        if originals:
            first = originals[0]
            copies = [m["id"] for m in members if m["duplicate_of"] == first["id"]]
            summary = article_summary(store, first["id"])
            if summary is not None:
                sentences = [{"text": s.text, "article": first["id"], "citations": [first["id"], *copies]}
                             for s in summary.sentences]
                words = summary.words
        return {"story": story_id, "sentences": sentences,
                "facts": {"people": [], "organisations": [], "places": [], "dates": [], "quotes": []},
                "agreement": None, "method": "fallback: lead summary", "words": words,
                "facts_error": str(exc) or type(exc).__name__}

    def story(self, story_id: int, facts: bool = True) -> dict | None:
        store = self.store()
        story = store.get_story(story_id)
        if story is None:
            return None
        story["brief"] = self.brief(story_id, facts=facts)
        story["times"] = story_times(story["articles"])
        return story

    # -- articles ------------------------------------------------------------------------------

    def article(self, article_id: int) -> dict | None:
        store = self.store()
        article = store.get_article(article_id)
        if article is None:
            return None
        members = store.story_articles(article["story_id"]) if article["story_id"] is not None else []
        ids = [m["id"] for m in members]
        position = ids.index(article_id) if article_id in ids else -1
        article["story"] = store.get_story(article["story_id"], members) if article["story_id"] is not None else None
        article["story_prev"] = members[position - 1] if position > 0 else None
        article["story_next"] = members[position + 1] if 0 <= position < len(members) - 1 else None
        article["time_prev"], article["time_next"] = store.article_time_neighbours(
            article["published"], article_id)
        article["coverage"] = [m for m in members if m["id"] != article_id]
        return article

    def summary(self, article_id: int, sentences: int | None = None, words: int | None = None):
        from storyline.summary.stored import article_summary
        return article_summary(self.store(), article_id, sentences=sentences, words=words)

    # -- search ---------------------------------------------------------------------------------

    def search(self, query: str, offset: int = 0, limit: int = PER_PAGE) -> tuple[list[dict], list[dict]]:
        """(article hits with marked snippets, stories of the best hits) for a query;
        SearchInterrupted past the search budget or when the server is stopping."""
        store = self.store()
        bounds = {"budget": self.search_budget, "cancelled": self.stopping.is_set}
        if offset > 0:
            return store.search_page(query, limit=limit, offset=offset, **bounds), []
        # The first page: one ranked query gives the hits and the stories of the best 200.
        best = store.search_page(query, limit=max(limit, 200), offset=0, snippets=limit, **bounds)
        story_ids: list[int] = []
        for row in best:
            if row["story_id"] is not None and row["story_id"] not in story_ids:
                story_ids.append(row["story_id"])
        return best[:limit], store.stories_by_ids(story_ids[:10])

    # -- sources and writes -------------------------------------------------------------------

    def sources(self) -> dict:
        store = self.store()
        return {"outlets": store.outlets_overview(), "feeds": store.feeds(),
                "failures": store.failures()[-20:], "status_report": status(store)}

    def _ingestor(self, store):
        from storyline.ingest import Ingestor
        return Ingestor(store, settings=self.settings)

    def add_sources(self, urls: list[str], opml: bytes | None = None) -> dict:
        """Add feeds, article URLs or an OPML document (as `storyline add` does)."""
        with self.write_lock, tempfile.TemporaryDirectory(prefix="storyline-") as tmp:
            sources = list(urls)
            if opml is not None:
                path = Path(tmp) / "subscriptions.opml"
                path.write_bytes(opml)
                sources.append(str(path))
            with self._ingestor(self.store()) as ingestor:
                report = ingestor.add(sources)
        return report.as_json() | {"articles": report.article_ids}

    def add_article(self, record: dict) -> dict:
        """Add one article given as a batch record: {"url"}, {"html", "url"?,
        "outlet"?} or {"text", "title", "outlet"?, "url"?, "author"?, "published"?}."""
        import json
        with self.write_lock, tempfile.TemporaryDirectory(prefix="storyline-") as tmp:
            path = Path(tmp) / "api.jsonl"
            path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
            with self._ingestor(self.store()) as ingestor:
                report = ingestor.add([str(path)])
        body = report.as_json() | {"articles": report.article_ids}
        for failure in body["failed"]:
            failure["source"] = "request"
        if not report.article_ids and report.duplicates:
            body["duplicate_of"] = self._existing(record)
        return body

    def _existing(self, record: dict) -> int | None:
        from storyline.fetch.urls import canonical_url
        url = record.get("url")
        if isinstance(url, str) and url:
            return self.store().find_duplicate(url=url, canonical_url=canonical_url(url))
        return None
