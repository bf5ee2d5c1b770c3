"""The workers' queue and the feeds' schedule in the database (storyline.worker).

A job is claimed by one worker in one statement: on PostgreSQL the candidate
row is locked with FOR UPDATE SKIP LOCKED, so two workers never take the same
job and never wait for each other; on SQLite the claim runs under the write
lock (BEGIN IMMEDIATE), which does the same for any number of processes. A
claim is a lease: a worker that dies leaves the job to be taken again once the
lease runs out. A mixin of the store.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storyline.storage.database import Database
from storyline.storage.derived import now

OPEN = "ON CONFLICT (kind, key) WHERE state IN ('queued', 'running') DO NOTHING"


def at(seconds_from_now: float) -> str:
    """A stored timestamp this many seconds from now. Stored times have whole
    seconds: a time to come is rounded up (down, a feed would be due early), now
    and past times down (up, work queued now would wait for the next second)."""
    when = datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)
    if seconds_from_now > 0 and when.microsecond:
        when += timedelta(microseconds=1_000_000 - when.microsecond)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class JobQueries:
    db: Database

    # -- the queue ------------------------------------------------------------------

    def enqueue(self, kind: str, key: str | int, *, priority: int = 0, delay: float = 0.0) -> bool:
        """Queue a job unless the same one is already queued or running; whether it was queued."""
        return self.db.execute(
            f"INSERT INTO jobs (kind, key, priority, state, not_before, created) "
            f"VALUES (:kind, :key, :priority, 'queued', :not_before, :now) {OPEN}",
            {"kind": kind, "key": str(key), "priority": priority, "not_before": at(delay), "now": now()}) > 0

    def claim(self, worker: str, lease: float) -> dict | None:
        """The most urgent due job, now running under this worker's lease."""
        lock = "FOR UPDATE SKIP LOCKED" if self.db.is_postgres else ""
        params = {"me": worker, "until": at(lease), "now": now()}
        sql = ("UPDATE jobs SET state = 'running', locked_by = :me, locked_until = :until, "
               "attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' "
               f"AND not_before <= :now ORDER BY priority, not_before, id LIMIT 1 {lock}) "
               "RETURNING id, kind, key, attempts")
        if self.db.is_postgres:
            return self.db.row(sql, params)
        with self.db.transaction() as db:
            return db.row(sql, params)

    def finish(self, job_id: int, worker: str) -> bool:
        """Done; False if the lease had run out and another worker took the job."""
        return self.db.execute(
            "UPDATE jobs SET state = 'done', finished = :now, locked_until = NULL "
            "WHERE id = :id AND locked_by = :me AND state = 'running'",
            {"now": now(), "id": job_id, "me": worker}) > 0

    def fail(self, job_id: int, worker: str, error: str, retry_in: float | None) -> None:
        """Failed this time: queued again after `retry_in` seconds, or failed for good (None)."""
        if retry_in is None:
            self.db.execute("UPDATE jobs SET state = 'failed', error = :error, finished = :now, "
                            "locked_until = NULL WHERE id = :id AND locked_by = :me",
                            {"error": error, "now": now(), "id": job_id, "me": worker})
            return
        self.db.execute("UPDATE jobs SET state = 'queued', error = :error, not_before = :later, "
                        "locked_by = NULL, locked_until = NULL WHERE id = :id AND locked_by = :me",
                        {"error": error, "later": at(retry_in), "id": job_id, "me": worker})

    def requeue_expired(self) -> int:
        """Jobs whose worker died (its lease ran out) go back to the queue."""
        return self.db.execute("UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL "
                               "WHERE state = 'running' AND locked_until < :now", {"now": now()})

    def requeue_held_by(self, workers: list[str]) -> int:
        if not workers:
            return 0
        return self.db.execute("UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL "
                               "WHERE state = 'running' AND locked_by IN :workers", {"workers": workers})

    def queue_depth(self) -> dict[str, dict[str, int]]:
        """{kind: {state: jobs}} for queued, running and failed jobs."""
        depth: dict[str, dict[str, int]] = {}
        for row in self.db.rows("SELECT kind, state, COUNT(*) AS n FROM jobs WHERE state != 'done' "
                                "GROUP BY kind, state"):
            depth.setdefault(row["kind"], {})[row["state"]] = row["n"]
        return depth

    def jobs(self, kind: str | None = None) -> list[dict]:
        return self.db.rows("SELECT * FROM jobs WHERE (CAST(:kind AS TEXT) IS NULL OR kind = :kind) ORDER BY id",
                            {"kind": kind})

    def prune(self, done_days: float = 1.0, poll_days: float = 7.0) -> None:
        self.db.execute("DELETE FROM jobs WHERE state = 'done' AND finished < :before", {"before": at(-done_days * 86400)})
        self.db.execute("DELETE FROM polls WHERE at < :before", {"before": at(-poll_days * 86400)})

    # -- what is due ------------------------------------------------------------------

    def enqueue_due_feeds(self) -> int:
        """A poll job for every feed whose time has come (and none queued already)."""
        return self.db.execute(
            f"INSERT INTO jobs (kind, key, priority, state, not_before, created) "
            f"SELECT 'poll', CAST(id AS TEXT), 0, 'queued', :now, :now FROM feeds "
            f"WHERE next_poll IS NULL OR next_poll <= :now {OPEN}", {"now": now()})

    def enqueue_unsummarized(self, method: str, length: str, since: str, limit: int = 200) -> int:
        """Summary jobs for recent articles without a summary by this method."""
        ids = self.db.column(
            "SELECT a.id FROM articles a WHERE a.fetched >= :since AND a.not_article IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.article_id = a.id AND s.method = :method "
            "AND s.length = :length) AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'summarize' "
            "AND j.key = CAST(a.id AS TEXT) AND j.state IN ('queued', 'running', 'failed')) "
            "ORDER BY a.id DESC LIMIT :limit",
            {"since": since, "method": method, "length": length, "limit": limit})
        return sum(self.enqueue("summarize", i, priority=5) for i in ids)

    def enqueue_unbriefed(self, since: str, priority: int, limit: int = 100) -> int:
        """Full-brief jobs (with NER) for stories changed since their last full brief."""
        ids = self.db.column(
            "SELECT s.id FROM stories s WHERE s.updated >= :since AND NOT EXISTS (SELECT 1 FROM briefs b "
            "WHERE b.story_id = s.id AND b.part = 'full' AND b.created >= s.updated) "
            "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'brief' AND j.key = CAST(s.id AS TEXT) "
            "AND j.state IN ('queued', 'running', 'failed')) ORDER BY s.id DESC LIMIT :limit",
            {"since": since, "limit": limit})
        return sum(self.enqueue("brief", i, priority=priority) for i in ids)

    def unplaced_count(self) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM articles WHERE placed = 0")

    # -- feeds' schedule and poll log ------------------------------------------------------

    def feed_by_id(self, feed_id: int) -> dict | None:
        return self.db.row("SELECT * FROM feeds WHERE id = :id", {"id": feed_id})

    def schedule_feed(self, feed_id: int, next_poll: str) -> None:
        self.db.execute("UPDATE feeds SET next_poll = :next WHERE id = :id", {"next": next_poll, "id": feed_id})

    def set_poll_every(self, url: str, seconds: int | None) -> bool:
        return self.db.execute("UPDATE feeds SET poll_every = :every, next_poll = NULL WHERE url = :url",
                               {"every": seconds, "url": url}) > 0

    def log_poll(self, feed_id: int, seconds: float, status: str, new_items: int, error: str | None) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT INTO polls (feed_id, at, seconds, status, new_items, error) "
                       "VALUES (:feed, :at, :seconds, :status, :new, :error)",
                       {"feed": feed_id, "at": now(), "seconds": seconds, "status": status, "new": new_items,
                        "error": error})
            db.execute("UPDATE feeds SET polls = polls + 1, last_new = :new, "
                       "last_ok = CASE WHEN :ok = 1 THEN :at ELSE last_ok END WHERE id = :feed",
                       {"new": new_items, "ok": int(error is None), "at": now(), "feed": feed_id})

    def poll_totals(self) -> dict:
        """Polls, failed polls and new items in the log; the last poll's time."""
        row = self.db.row("SELECT COUNT(*) AS polls, SUM(CASE WHEN error IS NULL THEN 0 ELSE 1 END) AS failed, "
                          "COALESCE(SUM(new_items), 0) AS new_items, MAX(at) AS last FROM polls")
        return {k: (row[k] or 0) if k != "last" else row[k] for k in row}

    def last_update(self) -> str | None:
        """When something last came in: the last successful poll or stored article."""
        row = self.db.row("SELECT (SELECT MAX(last_ok) FROM feeds) AS polled, (SELECT MAX(fetched) FROM articles) AS added")
        return max((v for v in (row["polled"], row["added"]) if v), default=None)

    # -- workers ------------------------------------------------------------------------

    def heartbeat(self, name: str, host: str, pid: int, started: str, done: int) -> None:
        self.db.execute(
            "INSERT INTO workers (name, host, pid, started, seen, jobs_done) "
            "VALUES (:name, :host, :pid, :started, :now, :done) ON CONFLICT (name) DO UPDATE SET "
            "seen = excluded.seen, jobs_done = excluded.jobs_done",
            {"name": name, "host": host, "pid": pid, "started": started, "now": now(), "done": done})

    def workers(self) -> list[dict]:
        return self.db.rows("SELECT * FROM workers ORDER BY seen DESC")

    def worker_gone(self, name: str) -> None:
        """A worker stopping: its running jobs back to the queue, its heartbeat row gone."""
        self.requeue_held_by([name])
        self.db.execute("DELETE FROM workers WHERE name = :name", {"name": name})

    def forget_workers(self, not_seen_since: str) -> list[str]:
        """Workers silent since then are gone: their names (their running jobs are freed)."""
        gone = self.db.column("SELECT name FROM workers WHERE seen < :since", {"since": not_seen_since})
        if gone:
            self.requeue_held_by(gone)
            self.db.execute("DELETE FROM workers WHERE name IN :gone", {"gone": gone})
        return gone
