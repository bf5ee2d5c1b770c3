"""What an operator asks of an always-on Storyline, answered from the database
that every process shares (the server, `storyline worker`s elsewhere):
`storyline status`, the sources page and /healthz all read `status(store)`."""
from __future__ import annotations

from datetime import datetime, timezone

from storyline.status import queries
from storyline.storage import Store
from storyline.storage.derived import moment
from storyline.storage.jobs import at

ALIVE_WITHIN = 60.0  # seconds: a worker that beat its heart this recently is alive
LAST_ROUND_WINDOW = 3600.0  # seconds of polls summed up as "the last hour"


def status(store: Store) -> dict:
    now = at(0)
    counts = queries.feed_counts(store, now)
    failing = [_failing_feed(feed, now) for feed in queries.failing_feeds(store)]
    recent = queries.polls_since(store, at(-LAST_ROUND_WINDOW))
    workers = queries.workers_seen_since(store, at(-ALIVE_WITHIN))
    return {
        "at": now,
        "feeds": {"total": counts["total"], "due": counts["due"], "healthy": counts["healthy"],
                  "failing": counts["failing"], "never_polled": counts["never_polled"],
                  "failing_feeds": failing},
        "queue": store.queue_depth(),
        "workers": {"alive": len(workers), "list": workers},
        "last_round": {"last_poll": queries.last_poll(store), "polls_last_hour": recent["polls"],
                       "failed_last_hour": recent["failed"], "new_items_last_hour": recent["new_items"]},
        "last_update": store.last_update(),
    }


def health(store: Store, worker_name: str | None) -> dict:
    """For /healthz: the database answers, and the state of the worker running in
    this process (`worker_name`; None: this process does not poll)."""
    alive = {w["name"] for w in queries.workers_seen_since(store, at(-ALIVE_WITHIN))}
    if worker_name is None:
        worker = "not polling"
    else:
        worker = "alive" if worker_name in alive else "stalled"
    return {"status": "ok", "database": "reachable", "worker": worker, "workers_alive": len(alive),
            "last_update": store.last_update()}


def _failing_feed(feed: dict, now: str) -> dict:
    next_try = feed["next_poll"]
    return {"id": feed["id"], "url": feed["url"], "title": feed["title"], "outlet": feed["outlet"],
            "last_error": feed["last_error"], "errors": feed["errors"], "last_fetched": feed["last_fetched"],
            "last_ok": feed["last_ok"], "next_try": next_try, "due": next_try is None or next_try <= now}




def time_ago(iso: str | None, now: datetime | None = None) -> str:
    """'just now', '1 minute ago', '42 minutes ago', '3 hours ago', '2 days ago';
    '' when there is no time. A time ahead of `now` (clocks of two machines) is 'just now'."""
    when = moment(iso)
    if when is None:
        return ""
    seconds = ((now or datetime.now(timezone.utc)) - when).total_seconds()
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    for unit, size, up_to in (("minute", 1, 60), ("hour", 60, 48 * 60)):
        if minutes < up_to:
            n = minutes // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    days = minutes // (24 * 60)
    return f"{days} days ago"
