"""Always on: polling every feed on its own schedule, and the pipeline after it,
as work taken from the database.

A Worker runs inside `storyline serve` or alone (`storyline worker`). APScheduler
(3.x, a background scheduler on one thread) runs its periodic duties: every tick
it queues a poll job for each feed that is due, a job for what the pipeline left
undone (articles not yet placed, recent articles without a summary, and, with a
low priority so that they run when nothing else waits, full briefs with their
named-entity facts for stories that changed), frees jobs of workers that died,
and beats the worker's heart. `concurrency` threads take jobs from the `jobs`
table (storyline.storage.jobs) most urgent first; a poll job polls one feed
(conditional GET) and stores, places and briefs its new items
(storyline.ingest), then schedules the feed's next poll (schedule.py). Because
the work lives in the database, a crash or a restart loses nothing: a job whose
worker died is taken again when its lease runs out, storing is idempotent
(unique URLs and hashes), and each follow-up is derived again from what is
stored. Requests go out through one Fetcher per worker: at most one at a time
per host, `host_gap` seconds apart, `concurrency` in all.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from storyline.config import FetchSettings
from storyline.fetch import Fetcher
from storyline.ingest import Ingestor
from storyline.ingest.recorded import failure_reason
from storyline.storage import Store, open_store
from storyline.storage.jobs import at
from storyline.worker import schedule

log = logging.getLogger("storyline.worker")

PRIORITY = {"poll": 0, "place": 1, "summarize": 5, "brief": 10}
RECENT_DAYS = 2  # follow-up work is looked for among articles and stories this recent
JOB_RETRIES = 3


@dataclass
class WorkerSettings:
    interval: int = schedule.DEFAULT_INTERVAL  # seconds between polls of a feed, unless it has its own
    concurrency: int = 4  # jobs (and so requests) at once
    host_gap: float = 1.0  # seconds between two requests to one host
    tick: float = 5.0  # seconds between two looks for due feeds
    lease: float = 600.0  # seconds a taken job is held before another worker may take it
    heartbeat: float = 10.0
    summaries: bool = True  # summarize new articles ahead of the reader
    full_briefs: bool = True  # and make their stories' full briefs (NER) when idle

    @classmethod
    def from_env(cls, **overrides) -> "WorkerSettings":
        settings = cls()
        if os.environ.get("STORYLINE_POLL_INTERVAL"):
            settings.interval = schedule.parse_interval(os.environ["STORYLINE_POLL_INTERVAL"])
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class Tally:
    """What this worker did since it started (for /metrics)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    polls: int = 0
    poll_failures: int = 0
    items: Counter = field(default_factory=Counter)  # added, duplicates, failed
    jobs: Counter = field(default_factory=Counter)  # (kind, "done" | "failed")
    last_round: str | None = None

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class Worker:
    def __init__(self, db: str, *, settings: WorkerSettings | None = None,
                 fetch: FetchSettings | None = None, name: str | None = None):
        self.db = str(db)
        self.settings = settings or WorkerSettings.from_env()
        fetch = fetch or FetchSettings()
        self.fetch_settings = replace(fetch, per_host=1, host_gap=self.settings.host_gap,
                                      workers=self.settings.concurrency)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.started = at(0)
        self.tally = Tally()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._scheduler: BackgroundScheduler | None = None
        self._fetcher: Fetcher | None = None
        self._duty_store: Store | None = None

    # -- running ------------------------------------------------------------------------

    def start(self) -> "Worker":
        open_store(self.db).close()  # a bad database is one error here, not one per thread
        self._fetcher = Fetcher(self.fetch_settings)
        self._duty_store = open_store(self.db)
        self._duty_store.heartbeat(self.name, socket.gethostname(), os.getpid(), self.started, 0)
        scheduler = BackgroundScheduler(executors={"default": {"type": "threadpool", "max_workers": 1}},
                                        job_defaults={"coalesce": True, "max_instances": 1,
                                                      "misfire_grace_time": None})
        scheduler.add_job(self.tick, "interval", seconds=self.settings.tick, next_run_time=datetime.now(timezone.utc),
                          id="tick")
        scheduler.add_job(self.beat, "interval", seconds=self.settings.heartbeat, id="heartbeat")
        scheduler.add_job(self.prune, "interval", hours=1, id="prune")
        scheduler.start()
        self._scheduler = scheduler
        for n in range(self.settings.concurrency):
            thread = threading.Thread(target=self._run_jobs, name=f"storyline-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop taking jobs and give the running ones `timeout` seconds to finish;
        those that do not are handed back to the queue (taking one again is safe).
        Stopping twice does nothing more."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._duty_store is not None:
            try:
                self._duty_store.worker_gone(self.name)
            except Exception:
                log.exception("handing back running jobs failed; their leases will run out")
            self._duty_store.close()
        if self._fetcher is not None and not any(t.is_alive() for t in self._threads):
            self._fetcher.close()

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- periodic duties (the scheduler's one thread) ----------------------------------------

    def tick(self) -> None:
        store = self._duty_store
        try:
            store.requeue_expired()
            since = at(-RECENT_DAYS * 86400)
            store.forget_workers(at(-max(60.0, 6 * self.settings.heartbeat)))
            queued = store.enqueue_due_feeds()
            if store.unplaced_count():
                store.enqueue("place", "pending", priority=PRIORITY["place"])
            if self.settings.summaries:
                from storyline.summary import METHOD
                queued += store.enqueue_unsummarized(METHOD, "default", since)
            if self.settings.full_briefs:
                queued += store.enqueue_unbriefed(since, PRIORITY["brief"])
            self.tally.last_round = at(0)
            if queued:
                self._wake.set()
        except Exception:  # the next tick tries again; one bad tick must not stop the scheduler
            log.exception("worker tick failed")

    def beat(self) -> None:
        try:
            done = sum(n for (kind, state), n in self.tally.jobs.items() if state == "done")
            self._duty_store.heartbeat(self.name, socket.gethostname(), os.getpid(), self.started, done)
        except Exception:
            log.exception("worker heartbeat failed")

    def prune(self) -> None:
        try:
            self._duty_store.prune()
        except Exception:
            log.exception("pruning old jobs and polls failed")

    # -- jobs (the worker threads) -------------------------------------------------------

    def _run_jobs(self) -> None:
        store = open_store(self.db)
        ingestor = Ingestor(store, self._fetcher, settings=self.fetch_settings)
        try:
            while not self._stop.is_set():
                try:
                    job = store.claim(self.name, self.settings.lease)
                except Exception:
                    log.exception("taking a job failed")
                    job = None
                if job is None:
                    self._wake.wait(self.settings.tick)
                    self._wake.clear()
                    continue
                self._run(store, ingestor, job)
        finally:
            store.close()

    def _run(self, store: Store, ingestor: Ingestor, job: dict) -> None:
        kind = job["kind"]
        try:
            handler = getattr(self, f"_job_{kind}")
            handler(store, ingestor, job["key"])
        except Exception as exc:
            reason = failure_reason(exc)
            retry = None if job["attempts"] >= JOB_RETRIES else 60.0 * 2 ** job["attempts"]
            log.warning("job %s %s failed: %s", kind, job["key"], reason)
            try:
                store.fail(job["id"], self.name, reason, retry)
            except Exception:
                log.exception("recording a failed job failed")  # its lease runs out; it is taken again
            self.tally.add(jobs=Counter({(kind, "failed"): 1}))
            return
        store.finish(job["id"], self.name)
        self.tally.add(jobs=Counter({(kind, "done"): 1}))

    def _job_poll(self, store: Store, ingestor: Ingestor, key: str) -> None:
        feed = store.feed_by_id(int(key))
        if feed is None:
            return  # unsubscribed since
        started = time.monotonic()
        report, retry_after = ingestor.poll_feed(feed["url"])
        feed = store.feed_by_id(int(key)) or feed
        error = feed["last_error"] if feed["last_status"] == "error" else None
        store.log_poll(feed["id"], time.monotonic() - started, feed["last_status"] or "?", report.added, error)
        wait = schedule.wait_after(feed, default=self.settings.interval, retry_after=retry_after)
        store.schedule_feed(feed["id"], at(wait))
        self.tally.add(polls=1, poll_failures=int(error is not None),
                       items=Counter(added=report.added, duplicates=report.duplicates, failed=len(report.failed)))
        if report.added:
            self._wake.set()  # their summaries and briefs are due at the next tick

    def _job_place(self, store: Store, ingestor: Ingestor, key: str) -> None:
        from storyline.stories import place_pending

        place_pending(store)

    def _job_summarize(self, store: Store, ingestor: Ingestor, key: str) -> None:
        from storyline.summary.stored import article_summary

        article_summary(store, int(key))

    def _job_brief(self, store: Store, ingestor: Ingestor, key: str) -> None:
        from storyline.brief.stored import story_brief

        story_brief(store, int(key), facts=True)
