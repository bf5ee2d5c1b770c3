"""/metrics in the Prometheus text format (0.0.4), one registry per app (tests and
`serve --workers N` make many apps; the global registry would mix them).

Most figures are read from the database at scrape time, so any server shows
the work of every worker that shares the database; what only this process
knows (its request latencies, and the counters of a worker running inside it)
is added to them."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, Histogram, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric

from storyline.status import queries
from storyline.status.report import ALIVE_WITHIN
from storyline.storage.derived import moment
from storyline.storage import Store
from storyline.storage.jobs import at

log = logging.getLogger("storyline.status")

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
JOB_KINDS = ("poll", "place", "summarize", "brief")  # storyline.worker's; shown as 0 when none are queued
JOB_STATES = ("queued", "running", "failed")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "(unmatched)"  # requests no route took: never the raw path, which a client could vary without end


class Metrics:
    """An app's registry: request latencies, the database's figures, a worker's counters."""

    def __init__(self, store_of: Callable[[], Store], worker_of: Callable[[], object | None]):
        self.registry = CollectorRegistry(auto_describe=False)
        self.latency = Histogram("storyline_request_duration_seconds",
                                 "Time to answer a request, by route template and method",
                                 ["route", "method"], registry=self.registry)
        self.registry.register(DatabaseCollector(store_of))
        self.registry.register(WorkerCollector(worker_of))

    def observe(self, route: str | None, method: str, seconds: float) -> None:
        self.latency.labels(route or UNMATCHED, method if method in METHODS else "other").observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


class DatabaseCollector:
    """Figures read from the shared database at each scrape. When it cannot be
    read, `storyline_database_up 0` and nothing else from it."""

    def __init__(self, store_of: Callable[[], Store]):
        self.store_of = store_of

    def collect(self) -> Iterator[Metric]:
        try:
            families = list(self._families(self.store_of()))
        except Exception:  # noqa: BLE001 - any database failure is reported as the database being down
            log.warning("metrics: the database could not be read", exc_info=True)
            yield _gauge("storyline_database_up", "1 when the database could be read at this scrape", 0)
            return
        yield _gauge("storyline_database_up", "1 when the database could be read at this scrape", 1)
        yield from families

    def _families(self, store: Store) -> Iterator[Metric]:
        feeds = queries.feed_counts(store, at(0))
        yield CounterMetricFamily("storyline_polls", "Polls of the subscribed feeds (the sum of their poll counts)",
                                  value=feeds["polls"])
        yield _gauge("storyline_poll_failures", "Feeds whose latest poll failed", feeds["failing"])
        yield _gauge("storyline_poll_failures_logged", "Failed polls in the poll log (the last week)",
                     queries.failed_polls_logged(store))
        by_state = GaugeMetricFamily("storyline_feeds", "Feeds by state: healthy, failing and never_polled "
                                     "add up to all feeds; due (to be polled now) cuts across them",
                                     labels=["state"])
        for state in ("healthy", "failing", "never_polled", "due"):
            by_state.add_metric([state], feeds[state])
        yield by_state

        depth = store.queue_depth()
        queue = GaugeMetricFamily("storyline_queue_depth", "Jobs not done, by kind and state", labels=["kind", "state"])
        for kind in sorted(set(JOB_KINDS) | set(depth)):
            for state in sorted(set(JOB_STATES) | set(depth.get(kind, {}))):
                queue.add_metric([kind, state], depth.get(kind, {}).get(state, 0))
        yield queue

        articles = queries.article_stages(store)
        summaries = queries.summary_counts(store)
        stories = queries.story_count(store)
        briefs = queries.brief_counts(store)
        yield CounterMetricFamily("storyline_articles", "Articles stored", value=articles["stored"])
        yield _gauge("storyline_articles_unplaced", "Articles stored but not yet placed in a story",
                     articles["unplaced"])
        yield _gauge("storyline_stories_total", "Stories", stories)
        yield _gauge("storyline_summaries_total", "Stored article summaries (any method and length)",
                     summaries["summaries"])
        brief_parts = GaugeMetricFamily("storyline_briefs_total", "Stored story briefs by part "
                                        "(full: with the facts; text: without)", labels=["part"])
        for part in sorted({"full", "text"} | set(briefs)):
            brief_parts.add_metric([part], briefs.get(part, {}).get("briefs", 0))
        yield brief_parts
        stages = GaugeMetricFamily("storyline_pipeline_items", "Articles and stories at each stage of the "
                                   "pipeline: stored, placed (or unplaced), in a story, near-copies, "
                                   "not articles, summarized; stories, and stories with a full brief",
                                   labels=["stage"])
        for stage, value in (("articles_stored", articles["stored"]), ("articles_unplaced", articles["unplaced"]),
                             ("articles_placed", articles["stored"] - articles["unplaced"]),
                             ("articles_in_story", articles["in_story"]),
                             ("articles_near_copy", articles["near_copy"]),
                             ("articles_not_article", articles["not_article"]),
                             ("articles_summarized", summaries["summarized"]), ("stories", stories),
                             ("stories_briefed", briefs.get("full", {}).get("stories", 0))):
            stages.add_metric([stage], value)
        yield stages

        alive = queries.workers_seen_since(store, at(-ALIVE_WITHIN))
        yield _gauge("storyline_workers_alive", f"Workers whose heartbeat is under {ALIVE_WITHIN:.0f} s old",
                     len(alive))
        last = moment(store.last_update())
        if last is not None:
            yield _gauge("storyline_last_update_timestamp_seconds",
                         "When something last came in: a successful poll or a stored article (Unix time)",
                         last.timestamp())


class WorkerCollector:
    """The counters of the worker running in this process (`storyline serve`), if any."""

    def __init__(self, worker_of: Callable[[], object | None]):
        self.worker_of = worker_of

    def collect(self) -> Iterator[Metric]:
        worker = self.worker_of()
        if worker is None:
            return
        tally = worker.tally
        with tally.lock:
            polls, failures = tally.polls, tally.poll_failures
            items, jobs, last_round = dict(tally.items), dict(tally.jobs), tally.last_round
        yield CounterMetricFamily("storyline_process_polls", "Polls by this process's worker since it started",
                                  value=polls)
        yield CounterMetricFamily("storyline_process_poll_failures",
                                  "Failed polls by this process's worker since it started", value=failures)
        outcomes = CounterMetricFamily("storyline_process_items", "Feed items this process's worker handled, "
                                       "by outcome", labels=["outcome"])
        for outcome in ("added", "duplicates", "failed"):
            outcomes.add_metric([outcome], items.get(outcome, 0))
        yield outcomes
        done = CounterMetricFamily("storyline_process_jobs", "Jobs this process's worker finished, by kind "
                                   "and result", labels=["kind", "result"])
        for (kind, result), n in sorted(jobs.items()):
            done.add_metric([kind, result], n)
        yield done
        last = moment(last_round)
        if last is not None:
            yield _gauge("storyline_process_last_round_timestamp_seconds",
                         "When this process's worker last looked for due feeds (Unix time)", last.timestamp())
