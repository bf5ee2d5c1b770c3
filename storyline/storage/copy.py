"""`storyline copy`: a whole database into an empty one, SQLite or PostgreSQL
either way, in one transaction on each side (a consistent snapshot of the
source; the target has all of it or none), then the counts compared."""
from __future__ import annotations

from collections.abc import Callable

from storyline.storage import StorageError
from storyline.storage.store import Store

# Parents before children. articles.duplicate_of may point at a later article
# (a newer copy can become the original), so it is filled in after all articles.
TABLES = ["outlets", "feeds", "stories", "articles", "outlet_lines", "article_lines", "failures",
          "summaries", "story_index", "term_df", "counters", "article_bands", "briefs",
          "article_entities", "article_vectors", "jobs", "workers", "polls", "users", "sessions", "api_tokens",
          "user_feeds", "article_state", "story_state", "mutes"]
KEYS = {"outlet_lines": "outlet_id, fingerprint", "article_lines": "article_id, fingerprint",
        "summaries": "article_id, length, method", "story_index": "term, story_id", "term_df": "term",
        "counters": "name", "article_bands": "band, article_id", "briefs": "story_id, words, part",
        "article_entities": "article_id", "article_vectors": "article_id", "workers": "name",
        "sessions": "token_hash", "user_feeds": "user_id, feed_id", "article_state": "user_id, article_id",
        "story_state": "user_id, story_id", "mutes": "user_id, kind, value"}
# Not copied: article_counts and read_counts, which the target's own triggers
# (migration 0005) fill as articles and article_state rows arrive; checked after.
SERIAL = ["outlets", "feeds", "stories", "articles", "failures", "jobs", "polls", "users", "api_tokens"]
GENERATED = {"search"}  # PostgreSQL's tsvector column: computed by the target itself
BATCH = 500


def copy_database(source: Store, target: Store,
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Rows per table copied; StorageError if the target is not empty or the
    counts differ afterwards."""
    busy = [t for t in TABLES if target.scalar(f"SELECT COUNT(*) FROM {t}")]
    if busy:
        raise StorageError(f"{target.path} is not empty ({', '.join(busy)}); copy only into a new database")
    counts: dict[str, int] = {}
    fresh = not source.db.in_transaction
    with source.transaction() as src, target.transaction() as dst:
        if fresh and src.is_postgres:  # one snapshot for every table, not one per statement
            src.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        totals = {t: src.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}
        for table in TABLES:
            done = 0
            order = KEYS.get(table, "id")
            for rows in src.stream(f"SELECT * FROM {table} ORDER BY {order}", batch=BATCH):
                if table == "articles":
                    rows = [{**r, "duplicate_of": None} for r in rows]
                columns = [c for c in rows[0] if c not in GENERATED]
                dst.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                f"VALUES ({', '.join(':' + c for c in columns)})",
                                [{c: r[c] for c in columns} for r in rows])
                done += len(rows)
                if progress:
                    progress(table, done, totals[table])
            counts[table] = done
        for rows in src.stream("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL ORDER BY id"):
            dst.executemany("UPDATE articles SET duplicate_of = :duplicate_of WHERE id = :id", rows)
        if dst.is_postgres:
            for table in SERIAL:  # explicit ids were inserted: the next new row must come after them
                dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
        copied = {t: dst.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}
        wrong = {t: (totals[t], copied[t]) for t in TABLES if totals[t] != copied[t]}
        if wrong:
            raise StorageError("copy incomplete, nothing written: " +
                               ", ".join(f"{t} {a} in the source but {b} copied" for t, (a, b) in wrong.items()))
        drift = {table: len(keys) for table, keys in target.unread_count_drift().items() if keys}
        if drift:
            raise StorageError("copy's unread counts differ from its articles, nothing written: " +
                               ", ".join(f"{n} wrong in {table}" for table, n in drift.items()))
    return counts
