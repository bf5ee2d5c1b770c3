"""The questions operators (and the reader's caches) ask the database that the
store does not answer yet. Plain SQL with `:name` parameters that runs on SQLite
and PostgreSQL alike; stored times are ISO 8601 UTC text, so they compare as text.
Every count comes back as an int (PostgreSQL's SUM is a bigint or a numeric)."""
from __future__ import annotations

from storyline.storage import Store


def _ints(row: dict | None) -> dict:
    return {key: int(value or 0) for key, value in (row or {}).items()}


def feed_counts(store: Store, now: str) -> dict:
    """Feeds in all, due now, and by state: failing (the last poll failed), healthy
    (polled, the last poll worked) and never polled; the three states add up to the
    total, `due` cuts across them. `polls`: polls of every feed since it was added."""
    return _ints(store.rows(
        "SELECT COUNT(*) AS total, "
        "SUM(CASE WHEN next_poll IS NULL OR next_poll <= :now THEN 1 ELSE 0 END) AS due, "
        "SUM(CASE WHEN errors > 0 THEN 1 ELSE 0 END) AS failing, "
        "SUM(CASE WHEN errors = 0 AND last_fetched IS NOT NULL THEN 1 ELSE 0 END) AS healthy, "
        "SUM(CASE WHEN errors = 0 AND last_fetched IS NULL THEN 1 ELSE 0 END) AS never_polled, "
        "SUM(polls) AS polls FROM feeds", {"now": now})[0])


def failing_feeds(store: Store) -> list[dict]:
    """Feeds whose last poll failed, the longest failing first."""
    return store.rows(
        "SELECT f.id, f.url, f.title, o.name AS outlet, f.last_error, f.errors, f.last_status, "
        "f.last_fetched, f.last_ok, f.next_poll FROM feeds f LEFT JOIN outlets o ON o.id = f.outlet_id "
        "WHERE f.errors > 0 ORDER BY f.errors DESC, f.id")


def polls_since(store: Store, since: str) -> dict:
    """Polls in the log since then: how many, how many failed, new items they brought."""
    return _ints(store.rows(
        "SELECT COUNT(*) AS polls, SUM(CASE WHEN error IS NULL THEN 0 ELSE 1 END) AS failed, "
        "SUM(new_items) AS new_items FROM polls WHERE at >= :since", {"since": since})[0])


def last_poll(store: Store) -> str | None:
    return store.scalar("SELECT MAX(at) FROM polls")


def failed_polls_logged(store: Store) -> int:
    """Failed polls in the whole poll log (the worker prunes it to a week)."""
    return int(store.scalar("SELECT COUNT(*) FROM polls WHERE error IS NOT NULL") or 0)


def workers_seen_since(store: Store, since: str) -> list[dict]:
    return store.rows("SELECT name, host, pid, started, seen, jobs_done FROM workers "
                      "WHERE seen >= :since ORDER BY name", {"since": since})


def article_stages(store: Store) -> dict:
    """Articles at each stage of the pipeline, in one pass over the table."""
    return _ints(store.rows(
        "SELECT COUNT(*) AS stored, SUM(CASE WHEN placed = 0 THEN 1 ELSE 0 END) AS unplaced, "
        "SUM(CASE WHEN story_id IS NOT NULL THEN 1 ELSE 0 END) AS in_story, "
        "SUM(CASE WHEN duplicate_of IS NOT NULL THEN 1 ELSE 0 END) AS near_copy, "
        "SUM(CASE WHEN not_article IS NOT NULL THEN 1 ELSE 0 END) AS not_article FROM articles")[0])


def summary_counts(store: Store) -> dict:
    return _ints(store.rows("SELECT COUNT(*) AS summaries, COUNT(DISTINCT article_id) AS summarized "
                            "FROM summaries")[0])


def story_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM stories") or 0)


def brief_counts(store: Store) -> dict[str, dict]:
    """{part: {"briefs": rows, "stories": stories with one}} ("full", "text")."""
    return {row["part"]: {"briefs": int(row["briefs"]), "stories": int(row["stories"])}
            for row in store.rows("SELECT part, COUNT(*) AS briefs, COUNT(DISTINCT story_id) AS stories "
                                  "FROM briefs GROUP BY part ORDER BY part")}


def reader_version(store: Store) -> tuple:
    """Changes whenever what the front page shows may have changed. The store's
    data_version() sees new articles and stories but not an article placed later
    into an existing story (the worker stores first and places after, in another
    transaction, or in another process): the count of unplaced articles and the
    stories' last update cover that."""
    row = store.rows("SELECT (SELECT COUNT(*) FROM articles WHERE placed = 0) AS unplaced, "
                     "(SELECT MAX(updated) FROM stories) AS updated")[0]
    return (*store.data_version(), int(row["unplaced"] or 0), row["updated"])
